import { describe, expect, it } from 'vitest';
import { judgeStep, type StepFigures } from './step-verdict.ts';

const carried: StepFigures = {
  offeredPerSecond: 2000,
  storedPerSecond: 1995,
  gatewayUnacknowledgedReadings: 40,
  gatewaysAtInFlightLimit: 0,
  gateways: 667,
  publishToStoredMs: { count: 26_000, p50: 60, p95: 110, p99: 130, max: 400 },
  messagesPublished: 26_000,
  drained: true,
  drainTimeoutSeconds: 30,
  alerts: { planned: 20, sent: 20, fired: 20, missed: 0, timeoutSeconds: 60, latencyMs: null },
  generatorScheduleLagMaxMs: 30,
  machineBusyCores: 0.9,
  generatorCores: 0.2,
  otherProcessesCores: 0.02,
  serverCores: 0.6,
  serverHttpResponseMsMax: 40,
  logicalCpus: 2,
  acknowledged: 100_000,
  storedAfterDrain: 100_000,
  refused: 0,
  gatewaysNotConnected: 0,
  connectionErrors: 0,
};

describe('judging a load step', () => {
  it('carries a step that stores what it is offered, with no backlog', () => {
    expect(judgeStep(carried)).toEqual({ keepsUp: true, findings: [] });
  });

  it('says where the pipeline falls behind: storage, acknowledgements, drain and alerts', () => {
    const verdict = judgeStep({
      ...carried,
      storedPerSecond: 500,
      gatewayUnacknowledgedReadings: 60_000,
      gatewaysAtInFlightLimit: 667,
      publishToStoredMs: { count: 5000, p50: 5000, p95: 6000, p99: 6800, max: 7000 },
      messagesPublished: 5200,
      drained: false,
      alerts: { planned: 20, sent: 12, fired: 9, missed: 3, timeoutSeconds: 60, latencyMs: null },
      machineBusyCores: 1.98,
      generatorCores: 0.4,
      serverHttpResponseMsMax: 7400,
    });
    expect(verdict.keepsUp).toBe(false);
    expect(verdict.findings).toEqual([
      'stored 25 % of the offered readings: the pipeline falls behind',
      'acknowledgements lag: 60000 readings (30.0 s of load) unacknowledged at the gateways, 667 of 667 gateways at their in-flight limit',
      'publish -> stored p99 6.8 s',
      '200 of 5200 messages published in the window were never acknowledged, so publish -> stored leaves out the slowest',
      'the backlog was not acknowledged within 30 s after the load stopped',
      '8 of 20 alert probes not sent: their earlier readings were not stored within the window',
      '3 of 12 alerts did not arrive within 60 s',
      'the server took up to 7.4 s to answer HTTP (/metrics; /health and the dashboard wait as long)',
      "all 2 cores busy (1.98), 0.40 of them the load generator's",
    ]);
  });

  it('does not carry a step whose backlog grows even when the stored rate looks right', () => {
    expect(judgeStep({ ...carried, gatewayUnacknowledgedReadings: 5000 }).keepsUp).toBe(false);
  });

  it('never carries a step that lost an acknowledged reading or had readings refused', () => {
    expect(judgeStep({ ...carried, storedAfterDrain: 99_998 })).toEqual({
      keepsUp: false,
      findings: ['2 acknowledged readings are missing from InfluxDB'],
    });
    expect(judgeStep({ ...carried, refused: 3 }).keepsUp).toBe(false);
  });

  it('does not carry a step in which gateways could not connect or were dropped', () => {
    expect(judgeStep({ ...carried, gatewaysNotConnected: 12, connectionErrors: 40 })).toEqual({
      keepsUp: false,
      findings: [
        '12 of 667 gateways could not connect (timed out)',
        '40 gateway connections dropped during the step',
      ],
    });
  });

  it('says when the server is bound by its one JavaScript thread while cores stay idle', () => {
    expect(
      judgeStep({ ...carried, storedPerSecond: 700, serverCores: 1.0, machineBusyCores: 1.15 }).findings,
    ).toEqual([
      'stored 35 % of the offered readings: the pipeline falls behind',
      'the server used 1.00 cores: its one JavaScript thread is saturated while 0.85 cores stay idle',
    ]);
  });

  it('flags a load generator that ran late', () => {
    expect(judgeStep({ ...carried, generatorScheduleLagMaxMs: 2500 }).findings).toEqual([
      'the load generator ran up to 2.5 s late: the offered rate is below the plan',
    ]);
  });
});
