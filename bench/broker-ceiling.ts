/**
 * Ceiling (b): what a bare aedes broker passes through on this machine. The same simulated
 * gateways as the real load (same payloads, QoS 1, in-flight window), but each keeps its
 * window full instead of sending once a second, to a broker with no authentication and no
 * hooks; one QoS 1 subscriber on `rpm/v1/gw/+/readings` receives everything. The pass-through
 * rate is what reached the subscriber.
 */
import { join } from 'node:path';
import mqtt from 'mqtt';
import { topics } from '../common/contract.ts';
import { BareBrokerReport } from './bare-broker-report.ts';
import type { BrokerCeiling } from './benchmark-report.ts';
import { LoadGenerator } from './load-generator.ts';
import { planGateways } from './load-plan.ts';
import { CpuMeter } from './proc-stats.ts';
import { nextMessage, spawnTs, stopChild } from './ts-child-process.ts';
import { sleep } from './waiting.ts';

export interface BrokerCeilingOptions {
  publishers: number;
  seconds: number;
  warmupSeconds: number;
  processes: number;
  maxInFlight: number;
  batchSize: number;
  logDir: string;
}

export async function measureBrokerCeiling(o: BrokerCeilingOptions): Promise<BrokerCeiling> {
  const broker = spawnTs(join('bench', 'bare-broker.ts'), {
    logFile: join(o.logDir, 'bare-broker.log'),
    ipc: true,
  });
  try {
    const { port } = await nextMessage(
      broker,
      BareBrokerReport,
      (m): m is BareBrokerReport => m.type === 'listening',
      {
        timeoutMs: 30_000,
        what: 'bare broker start',
      },
    );
    const mqttUrl = `mqtt://127.0.0.1:${port}`;
    const subscriber = await mqtt.connectAsync(mqttUrl, {
      clientId: 'bench-ceiling-subscriber',
      reconnectPeriod: 0,
    });
    let delivered = 0;
    subscriber.on('message', () => {
      delivered++;
    });
    await subscriber.subscribeAsync(topics.allReadings, { qos: 1 });
    // The gateways of the real load, as many as there are publishers (the bare broker takes any login).
    const gateways = planGateways(Math.ceil(o.publishers * 1.5))
      .slice(0, o.publishers)
      .map((plan) => ({ ...plan, secret: 'not-checked' }));
    const generator = await LoadGenerator.start({
      processes: o.processes,
      mqttUrl,
      gateways,
      maxInFlight: o.maxInFlight,
      batchSize: o.batchSize,
      logDir: o.logDir,
      connectTimeoutMs: 60_000,
    });
    try {
      generator.go('flood', Date.now());
      await sleep(o.warmupSeconds * 1000);
      const brokerCpu = CpuMeter.forPids(() => [broker.pid]);
      const generatorCpu = CpuMeter.forPids(() => generator.pids);
      const machineCpu = CpuMeter.forMachine();
      const coordinatorCpu = CpuMeter.forThisProcess();
      for (const meter of [brokerCpu, generatorCpu, machineCpu, coordinatorCpu]) meter.start();
      generator.beginWindow();
      const deliveredBefore = delivered;
      const started = performance.now();
      await sleep(o.seconds * 1000);
      const deliveredInWindow = delivered - deliveredBefore;
      const window = await generator.endWindow();
      const seconds = (performance.now() - started) / 1000;
      const brokerCores = brokerCpu.cores();
      const generatorCores = generatorCpu.cores();
      const otherProcessesCores = Math.max(
        0,
        machineCpu.cores() - brokerCores - generatorCores - coordinatorCpu.cores(),
      );
      await generator.stopLoad(10_000);
      const readingsPerMessage = window.publishedReadings / Math.max(1, window.publishedMessages);
      const messagesDeliveredPerSecond = deliveredInWindow / seconds;
      return {
        publishers: gateways.length,
        maxInFlight: o.maxInFlight,
        seconds,
        publishesAckedPerSecond: window.ackedMessages / seconds,
        messagesDeliveredPerSecond,
        readingsPerMessage,
        readingsDeliveredPerSecond: messagesDeliveredPerSecond * readingsPerMessage,
        payloadBytesPerMessage: window.payloadBytes / Math.max(1, window.publishedMessages),
        brokerCores,
        generatorCores,
        otherProcessesCores,
      };
    } finally {
      await generator.close();
      await subscriber.endAsync(true);
    }
  } finally {
    await stopChild(broker, 5_000);
  }
}
