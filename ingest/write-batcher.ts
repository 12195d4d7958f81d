/**
 * Batches line-protocol writes from many messages into few InfluxDB requests and tells
 * each message when, and whether, its lines are stored. The ingest acknowledges a
 * message to its sender only after `submit` resolves: ack after write (Telegraf's
 * discipline).
 *
 * - Transient failures (network, 429, 5xx) are retried with backoff for as long as it
 *   takes; meanwhile nothing new is acknowledged, and `submit` waits once the backlog
 *   reaches `maxBacklogLines` (backpressure with bounded memory).
 * - A 4xx answer is about content: the batch is split to find the lines InfluxDB
 *   refuses (rewriting accepted lines is harmless: same series and time overwrite), and
 *   those come back as `rejected` with InfluxDB's message, to be dead-lettered.
 */
import { HttpError } from '@influxdata/influxdb-client';
import type { Logger } from '../common/log.ts';
import type { InfluxConnection } from './influx-connection.ts';

export type LineOutcome = { stored: true } | { stored: false; detail: string };

interface Pending {
  lines: string[];
  resolve: (outcomes: LineOutcome[]) => void;
}

export interface WriteBatcherOptions {
  batchSize: number;
  flushMs: number;
  maxBacklogLines: number;
  /** Backoff for transient failures. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

export interface WriteBatcherStats {
  backlogLines: number;
  writtenLines: number;
  rejectedLines: number;
  failedAttempts: number;
  lastBatchMs: number;
  /** True while InfluxDB is failing and writes are being retried. */
  retrying: boolean;
}

const isContentError = (err: unknown): err is HttpError =>
  err instanceof HttpError && err.statusCode >= 400 && err.statusCode < 500 && err.statusCode !== 429;

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
    retrying: false,
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

  /** One request; a content error is split down to the refused lines. */
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
        if (this.stats.retrying) this.log.info('InfluxDB accepts writes again');
        this.stats.retrying = false;
        return 'stored';
      } catch (err) {
        api?.dispose();
        if (isContentError(err)) {
          return { detail: `InfluxDB ${err.statusCode}: ${(err.body ?? err.message).slice(0, 500)}` };
        }
        this.stats.failedAttempts += 1;
        if (!this.stats.retrying) {
          this.log.warn(
            { err: (err as Error).message, lines: lines.length },
            'InfluxDB write failed; holding acknowledgements and retrying',
          );
        }
        this.stats.retrying = true;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  }
}
