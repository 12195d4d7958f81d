/**
 * A load-generator process (started by load-generator.ts; `node --import tsx`). It runs its
 * share of the simulated gateways and answers the commands of load-worker-protocol.ts on
 * its IPC channel. Several such processes share the load when one cannot keep up; each
 * reports its own lateness and event-loop delay, so a saturated generator is visible.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WorkerCommand, WorkerReport, type WorkerTotals } from './load-worker-protocol.ts';
import { PacedSchedule, spreadPhases } from './paced-schedule.ts';
import { newLoadCounters, newWindowCounters, SimulatedGateway } from './simulated-gateway.ts';

const TICK_MS = 5;
const counters = newLoadCounters();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let gateways: SimulatedGateway[] = [];
let schedule: PacedSchedule<SimulatedGateway> | undefined;
let ticker: NodeJS.Timeout | undefined;

function report(message: WorkerReport): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(WorkerReport.parse(message), undefined, {}, () => resolve());
  });
}

const sum = (pick: (g: SimulatedGateway) => number) => gateways.reduce((total, g) => total + pick(g), 0);

async function connectAll(command: Extract<WorkerCommand, { type: 'connect' }>): Promise<void> {
  const options = {
    maxInFlight: command.maxInFlight,
    batchSize: command.batchSize,
    counters,
    random: Math.random,
  };
  const all = command.gateways.map((login) => new SimulatedGateway(login, options));
  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  const connectNext = async (): Promise<void> => {
    for (let gateway = all[next++]; gateway; gateway = all[next++]) {
      try {
        await gateway.connect(command.mqttUrl);
        gateways.push(gateway);
      } catch (err) {
        failed++;
        firstError ??= `${gateway.login.gatewayId}: ${(err as Error).message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: command.connectConcurrency }, connectNext));
  await report({ type: 'connected', connected: gateways.length, failed, firstError });
}

function go(command: Extract<WorkerCommand, { type: 'go' }>): void {
  if (command.mode === 'flood') {
    for (const gateway of gateways) gateway.startFlood(command.epochMs);
    return;
  }
  const phases = spreadPhases(gateways.length);
  const paced = new PacedSchedule(
    gateways.map((item, i) => ({ item, phaseMs: phases[i] ?? 0 })),
    command.epochMs,
  );
  schedule = paced;
  ticker = setInterval(
    () => paced.runDue(Date.now(), (gateway, dueMs) => gateway.produceSecond(dueMs)),
    TICK_MS,
  );
}

function beginWindow(): void {
  counters.window = newWindowCounters();
  counters.windowLatenciesMs = [];
  counters.recording = true;
  schedule?.resetLag();
  loopDelay.reset();
}

async function endWindow(): Promise<void> {
  counters.recording = false;
  const sent = report({
    type: 'window',
    stats: {
      ...counters.window,
      scheduleLagMaxMs: schedule?.lagMaxMs ?? 0,
      eventLoopDelayP99Ms: loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : 0,
      unacknowledgedReadings: sum((g) => g.unacknowledgedReadings),
      gatewaysAtLimit: gateways.filter((g) => g.atInFlightLimit).length,
    },
  });
  counters.window = newWindowCounters();
  await sent;
}

const totals = (): WorkerTotals => ({
  ackedReadings: counters.totalAckedReadings,
  refused: counters.refused,
  connectionErrors: counters.connectionErrors,
});

async function stopLoad(drainTimeoutMs: number): Promise<void> {
  clearInterval(ticker);
  for (const gateway of gateways) gateway.stopProducing();
  const started = performance.now();
  const busy = () => sum((g) => g.unacknowledgedReadings) > 0;
  while (busy() && performance.now() - started < drainTimeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await report({
    type: 'drained',
    drained: !busy(),
    ms: performance.now() - started,
    unacknowledgedReadings: sum((g) => g.unacknowledgedReadings),
    windowLatenciesMs: counters.windowLatenciesMs,
    totals: totals(),
  });
}

async function close(): Promise<void> {
  clearInterval(ticker);
  await Promise.all(gateways.map((g) => g.close()));
  gateways = [];
  await report({ type: 'closed' });
  process.exit(0);
}

async function run(command: WorkerCommand): Promise<void> {
  switch (command.type) {
    case 'connect':
      return connectAll(command);
    case 'go':
      return go(command);
    case 'window-begin':
      return beginWindow();
    case 'window-end':
      return endWindow();
    case 'stop-load':
      return stopLoad(command.drainTimeoutMs);
    case 'close':
      return close();
  }
}

process.on('message', (raw: unknown) => {
  const command = WorkerCommand.parse(raw);
  run(command).catch((err: Error) => {
    process.stderr.write(`load worker: ${command.type} failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
});
// The benchmark going away takes this process with it.
process.on('disconnect', () => process.exit(0));
