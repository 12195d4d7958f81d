/**
 * The load generator: simulated gateways spread over several child processes
 * (load-worker.ts), driven together. Its figures are sums over the processes; lateness and
 * event-loop delay are the worst of them.
 */
import { join } from 'node:path';
import { BenchmarkError } from './benchmark-error.ts';
import { dealOut, type GatewayLogin } from './load-plan.ts';
import {
  type WindowStats,
  type WorkerCommand,
  WorkerReport,
  type WorkerTotals,
} from './load-worker-protocol.ts';
import { exited, nextMessage, spawnTs, stopChild, type TsChild } from './ts-child-process.ts';

export interface LoadGeneratorOptions {
  processes: number;
  mqttUrl: string;
  gateways: readonly GatewayLogin[];
  maxInFlight: number;
  batchSize: number;
  /** Where each process writes its output (load-worker-<n>.log). */
  logDir: string;
  connectTimeoutMs: number;
}

export interface DrainResult {
  drained: boolean;
  ms: number;
  unacknowledgedReadings: number;
  windowLatenciesMs: number[];
  totals: WorkerTotals;
}

const REPLY_MS = 60_000;

export function mergeWindows(windows: readonly WindowStats[]): WindowStats {
  const total = (pick: (w: WindowStats) => number) => windows.reduce((sum, w) => sum + pick(w), 0);
  const worst = (pick: (w: WindowStats) => number) => Math.max(0, ...windows.map(pick));
  return {
    generatedReadings: total((w) => w.generatedReadings),
    publishedMessages: total((w) => w.publishedMessages),
    publishedReadings: total((w) => w.publishedReadings),
    payloadBytes: total((w) => w.payloadBytes),
    mqttBytes: total((w) => w.mqttBytes),
    ackedMessages: total((w) => w.ackedMessages),
    ackedReadings: total((w) => w.ackedReadings),
    scheduleLagMaxMs: worst((w) => w.scheduleLagMaxMs),
    eventLoopDelayP99Ms: worst((w) => w.eventLoopDelayP99Ms),
    unacknowledgedReadings: total((w) => w.unacknowledgedReadings),
    gatewaysAtLimit: total((w) => w.gatewaysAtLimit),
  };
}

/** A login the broker refused is a fault of the set-up, not a figure to report. */
const REFUSED = /refused|not authori[sz]ed|bad user/i;

export class LoadGenerator {
  /** Gateways whose connection attempt failed (e.g. timed out at an overloaded server). */
  notConnected = 0;

  private constructor(private readonly workers: TsChild[]) {}

  get pids(): number[] {
    return this.workers.map((w) => w.pid);
  }

  /**
   * Starts the processes and connects the gateways. A refused login, or no gateway connected
   * at all, stops the benchmark; connections that time out are counted in `notConnected`.
   */
  static async start(o: LoadGeneratorOptions): Promise<LoadGenerator> {
    const shares = dealOut(o.gateways, Math.min(o.processes, o.gateways.length));
    const workers = shares.map((_, n) =>
      spawnTs(join('bench', 'load-worker.ts'), {
        logFile: join(o.logDir, `load-worker-${n}.log`),
        ipc: true,
      }),
    );
    const generator = new LoadGenerator(workers);
    try {
      const replies = workers.map((worker, n) => {
        const reply = generator.reply(worker, 'connected', o.connectTimeoutMs);
        worker.child.send({
          type: 'connect',
          mqttUrl: o.mqttUrl,
          gateways: shares[n] ?? [],
          maxInFlight: o.maxInFlight,
          batchSize: o.batchSize,
          connectConcurrency: 64,
        } satisfies WorkerCommand);
        return reply;
      });
      const answers = await Promise.all(replies);
      const failure = answers.find((a) => a.firstError !== null)?.firstError ?? null;
      generator.notConnected = answers.reduce((sum, a) => sum + a.failed, 0);
      if (answers.every((a) => a.connected === 0) || (failure !== null && REFUSED.test(failure)))
        throw new BenchmarkError(
          'connecting gateways',
          `${generator.notConnected} of ${o.gateways.length} failed, e.g. ${failure}`,
        );
    } catch (err) {
      await generator.close();
      throw err;
    }
    return generator;
  }

  go(mode: 'paced' | 'flood', epochMs: number): void {
    this.tell({ type: 'go', mode, epochMs });
  }

  beginWindow(): void {
    this.tell({ type: 'window-begin' });
  }

  async endWindow(): Promise<WindowStats> {
    const replies = this.workers.map((w) => this.reply(w, 'window', REPLY_MS));
    this.tell({ type: 'window-end' });
    return mergeWindows((await Promise.all(replies)).map((r) => r.stats));
  }

  /** Stops producing and waits (at most `drainTimeoutMs`) for every published reading's PUBACK. */
  async stopLoad(drainTimeoutMs: number): Promise<DrainResult> {
    const replies = this.workers.map((w) => this.reply(w, 'drained', drainTimeoutMs + REPLY_MS));
    this.tell({ type: 'stop-load', drainTimeoutMs });
    const drained = await Promise.all(replies);
    const total = (pick: (d: (typeof drained)[number]) => number) =>
      drained.reduce((sum, d) => sum + pick(d), 0);
    return {
      drained: drained.every((d) => d.drained),
      ms: Math.max(...drained.map((d) => d.ms)),
      unacknowledgedReadings: total((d) => d.unacknowledgedReadings),
      windowLatenciesMs: drained.flatMap((d) => d.windowLatenciesMs),
      totals: {
        ackedReadings: total((d) => d.totals.ackedReadings),
        refused: total((d) => d.totals.refused),
        connectionErrors: total((d) => d.totals.connectionErrors),
      },
    };
  }

  /** Disconnects the gateways and ends the processes. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (worker) => {
        const done = exited(worker);
        if (worker.child.connected) worker.child.send({ type: 'close' } satisfies WorkerCommand);
        // A worker exits by itself once its gateways are disconnected; a stuck one is stopped.
        const timer = setTimeout(() => void stopChild(worker, 5_000), 30_000);
        await done;
        clearTimeout(timer);
      }),
    );
  }

  private tell(command: WorkerCommand): void {
    for (const worker of this.workers) worker.child.send(command);
  }

  private reply<K extends WorkerReport['type']>(
    worker: TsChild,
    type: K,
    timeoutMs: number,
  ): Promise<Extract<WorkerReport, { type: K }>> {
    return nextMessage(
      worker,
      WorkerReport,
      (m): m is Extract<WorkerReport, { type: K }> => m.type === type,
      {
        timeoutMs,
        what: `load generator (${type})`,
      },
    );
  }
}
