/**
 * Batches line-protocol writes from many messages into few InfluxDB requests and tells
 * each message when, and whether, its lines are stored. The ingest acknowledges a
 * message to its sender only after `submit` resolves: ack after write (Telegraf's
 * discipline).
 *
 * How a failure is handled follows from what it means (influx-write-failure.ts):
 * - an outage (network, 5xx, 429, and 401/403/404: credentials, permissions, a missing
 *   database) is retried with backoff for as long as it takes; meanwhile nothing new is
 *   acknowledged, `stats.problem` says why (for /health), and `submit` waits once the
 *   backlog reaches `maxBacklogLines` (backpressure with bounded memory);
 * - a refusal of the content (400, 422) splits the batch to find the lines InfluxDB
 *   refuses (rewriting accepted lines is harmless: same series and time overwrite), and
 *   those come back as `rejected` with InfluxDB's message, to be dead-lettered;
 * - a body too large (413) splits the batch until the pieces fit.
 */
import type { Logger } from '../common/log.ts';
import type { InfluxConnection } from './influx-connection.ts';
import { classifyWriteFailure } from './influx-write-failure.ts';

export type LineOutcome = { stored: true } | { stored: false; detail: string };

interface Pending {
  lines: string[];
  resolve: (outcomes: LineOutcome[]) => void;
}

export interface WriteBatcherOptions {
  batchSize: number;
  flushMs: number;
  maxBacklogLines: number;
  /** Backoff for outages. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

export interface WriteBatcherStats {
  backlogLines: number;
  writtenLines: number;
  rejectedLines: number;
  failedAttempts: number;
  lastBatchMs: number;
  /** Why InfluxDB writes are failing and being retried; undefined while they succeed. */
  problem: string | undefined;
}

export class WriteBatcher {
  private queue: Pending[] = [];
  private queuedLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private waitingForRoom: (() => void)[] = [];
  private closed = false;
  readonly stats: WriteBatcherStats = {
    backlogLines: 0,
    writtenLines: 0,
    rejectedLines: 0,
    failedAttempts: 0,
    lastBatchMs: 0,
    problem: undefined,
  };
  /** Observers of batch latency (ms), for metrics. */
  onBatchWritten: ((lines: number, ms: number) => void) | undefined;

  constructor(
    private readonly influx: InfluxConnection,
    private readonly options: WriteBatcherOptions,
    private readonly log: Logger,
  ) {}

  /**
   * Resolves with one outcome per line once every line is stored or refused by InfluxDB.
   * While the backlog is full it waits; `signal` gives up the wait (the sender is gone and
   * will send again), so waiting messages of dead connections do not pile up in memory.
   */
  async submit(lines: string[], signal?: AbortSignal): Promise<LineOutcome[]> {
    if (lines.length === 0) return [];
    if (this.closed) throw new Error('write batcher is closed');
    while (this.queuedLines >= this.options.maxBacklogLines) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          this.waitingForRoom = this.waitingForRoom.filter((w) => w !== wake);
          reject(signal?.reason);
        };
        this.waitingForRoom.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    return new Promise<LineOutcome[]>((resolve) => {
      this.queue.push({ lines, resolve });
      this.queuedLines += lines.length;
      this.stats.backlogLines = this.queuedLines;
      if (this.queuedLines >= this.options.batchSize) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.options.flushMs);
    });
  }

  /** Writes everything queued, waiting out InfluxDB failures. */
  async flush(): Promise<void> {
    while (this.queue.length || this.flushing) {
      this.kick();
      await this.flushing;
    }
  }

  /** Stops accepting, then flushes what was accepted. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
      if (this.queue.length) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch: Pending[] = [];
      let count = 0;
      while (this.queue.length && count < this.options.batchSize) {
        const next = this.queue.shift();
        if (!next) break;
        batch.push(next);
        count += next.lines.length;
      }
      const lines = batch.flatMap((p) => p.lines);
      const started = performance.now();
      const outcomes = await this.writeUntilAnswered(lines);
      const ms = performance.now() - started;
      this.stats.lastBatchMs = ms;
      this.onBatchWritten?.(lines.length, ms);
      let offset = 0;
      for (const pending of batch) {
        pending.resolve(outcomes.slice(offset, offset + pending.lines.length));
        offset += pending.lines.length;
      }
      this.queuedLines -= count;
      this.stats.backlogLines = this.queuedLines;
      for (const wake of this.waitingForRoom.splice(0)) wake();
    }
  }

  /** One request; a refusal of content or size is split down to the refused lines. */
  private async writeUntilAnswered(lines: string[]): Promise<LineOutcome[]> {
    const result = await this.writeWithRetry(lines);
    if (result === 'stored') {
      this.stats.writtenLines += lines.length;
      return lines.map(() => ({ stored: true }));
    }
    if (lines.length === 1) {
      this.stats.rejectedLines += 1;
      return [{ stored: false, detail: result.detail }];
    }
    const half = Math.ceil(lines.length / 2);
    return [
      ...(await this.writeUntilAnswered(lines.slice(0, half))),
      ...(await this.writeUntilAnswered(lines.slice(half))),
    ];
  }

  private async writeWithRetry(lines: string[]): Promise<'stored' | { detail: string }> {
    const minDelay = this.options.minRetryMs ?? 200;
    const maxDelay = this.options.maxRetryMs ?? 10_000;
    let delay = minDelay;
    for (;;) {
      let api: ReturnType<InfluxConnection['createWriteApi']> | undefined;
      try {
        api = this.influx.createWriteApi({ lines: lines.length });
        api.writeRecords(lines);
        await api.close();
        if (this.stats.problem) this.log.info({ was: this.stats.problem }, 'InfluxDB accepts writes again');
        this.stats.problem = undefined;
        return 'stored';
      } catch (err) {
        api?.dispose();
        const failure = classifyWriteFailure(err, this.influx.settings);
        if (failure.kind !== 'outage') return { detail: failure.detail };
        this.stats.failedAttempts += 1;
        if (failure.reason !== this.stats.problem) {
          const context = { reason: failure.reason, lines: lines.length };
          const message = 'InfluxDB write failed; holding acknowledgements and retrying';
          if (failure.misconfigured) this.log.error(context, message);
          else this.log.warn(context, message);
        }
        this.stats.problem = failure.reason;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  }
}
