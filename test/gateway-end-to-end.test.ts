/**
 * The home gateway against the real server (embedded broker with ack-after-write ingest, and
 * InfluxDB), with simulated devices on the virtual Bluetooth adapter:
 * - in-process: devices paired on the gateway's page, a glucose meter's stored records fetched
 *   by sequence number, CGM history and live streams, all stored with the devices' sample
 *   times, values and units; the retained status; the pairing command through the running
 *   gateway;
 * - as a child process (`node --import tsx gateway/main.ts`): killed with SIGKILL mid-stream,
 *   restarted on the same data dir, cut off from the broker for a while, and stopped with
 *   SIGTERM. Every reading the gateway spooled (it logs their ids at debug) and every record
 *   the simulated meter and CGM hold (the same seeded models, computed here) ends up in
 *   InfluxDB, each exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayConfig } from '../gateway/config.ts';
import { runPairingCommand } from '../gateway/pairing/pairing-command.ts';
import { NearbyResponse } from '../gateway/pairing/pairing-page-api.ts';
import { createHousehold, type HouseholdDevice } from '../gateway/simulator/household.ts';
import { MINUTE_MS } from '../gateway/simulator/local-time.ts';
import { ManualClock } from '../gateway/simulator/manual-clock.ts';
import { wallClock } from '../gateway/simulator/simulation-clock.ts';
import { openGatewayAdapter, startGateway } from '../gateway/start-gateway.ts';
import type { InfluxRow } from '../ingest/influx-connection.ts';
import { freePort } from '../scripts/private-influxd.ts';
import type { RunningServer } from '../server/start-server.ts';
import { freshDataDir, registerGateway, startTestServer, uniqueDatabase } from './helpers.ts';

const TIME_ZONE = 'Asia/Karachi';
const PIN = '271828';
const POLL = { timeout: 60_000, interval: 250 };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serverFor(database: string, overrides: Record<string, unknown> = {}): Promise<RunningServer> {
  const server = await startTestServer(database, overrides);
  cleanups.push(() => server.close());
  return server;
}

const quoted = (text: string) => `'${text.replaceAll("'", "\\'")}'`;

/** The model records a meter holds, keyed by sequence number, as stored: time to the second, value and unit sent. */
function meterExpectation(member: HouseholdDevice, ...atSimulatedMs: number[]) {
  const expected = new Map<number, { time: number; value: number; unit: string }>();
  for (const at of atSimulatedMs) {
    for (const r of member.meterLog?.recordsAt(at) ?? []) {
      expected.set(r.sequenceNumber, {
        time: Math.floor(r.atMs / 1000) * 1000,
        value: r.value.value,
        unit: r.unit,
      });
    }
  }
  return expected;
}

/** A stored meter row as sequence -> (time, value and unit as the meter sent them). */
function meterRows(rows: InfluxRow[]) {
  return new Map(
    rows.map((row) => [
      Number(row.sequence),
      {
        time: Number(row.time),
        value: Number(row.reported_value ?? row.value),
        unit: String(row.reported_unit ?? 'mg/dL'),
      },
    ]),
  );
}

/** CGM sample times the sensor holds at `atSimulatedMs` (its current session). */
function cgmTimes(member: HouseholdDevice, atSimulatedMs: number): number[] {
  const records = member.cgmRecords;
  if (!records) return [];
  const start = records.sessionStartAt(atSimulatedMs);
  return records.offsetsAt(atSimulatedMs).map((offset) => start + offset * MINUTE_MS);
}

describe('gateway end to end with the real server', () => {
  it('pairs simulated devices on its page and stores meter records, CGM history and live readings with device times', async () => {
    const server = await serverFor(uniqueDatabase('gateway_e2e'));
    const secret = await registerGateway(server.records, 'gw-e2e-1', ['P-E1', 'P-E2']);
    const config = GatewayConfig.parse({
      gatewayId: 'gw-e2e-1',
      patientIds: ['P-E1', 'P-E2'],
      timeZone: TIME_ZONE,
      pairing: { pin: PIN },
      dataDir: await mkdtemp(join(tmpdir(), 'rpm-gw-e2e-')),
      mqtt: { url: `mqtt://127.0.0.1:${server.mqttPort}`, username: 'gw-e2e-1', password: secret },
      publish: { batchSize: 200, maxInFlight: 8, streamWindowMs: 20, encoding: 'series' },
      ble: { mode: 'virtual' },
      virtual: {
        household: [
          { patientId: 'P-E1', profile: 'diabetes' },
          { patientId: 'P-E2', profile: 'heart' },
        ],
        seed: 'e2e-pairing',
        pairHousehold: false,
      },
      http: { host: '127.0.0.1', port: 0 },
    });
    const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
    const adapter = await openGatewayAdapter(config, { advertisingIntervalMs: 20 });
    const gateway = await startGateway(config, log, adapter, { statusIntervalMs: 1_000 });
    cleanups.push(() => gateway.close());

    // Pair every device heard, each to its patient, as a person with a phone would.
    const nearby = NearbyResponse.parse(
      await (await fetch(`${gateway.httpUrl}/api/nearby?seconds=2`)).json(),
    );
    expect(nearby.devices.map((d) => d.kind).sort()).toEqual([
      'cgm',
      'glucose_meter',
      'heart_rate',
      'pulse_oximeter',
    ]);
    for (const device of nearby.devices) {
      const patientId = adapter.household.find((h) => h.device.peripheral.id === device.deviceId)?.patientId;
      const response = await fetch(`${gateway.httpUrl}/api/pairings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-pairing-pin': PIN },
        body: JSON.stringify({ deviceId: device.deviceId, patientId }),
      });
      expect(response.status).toBe(201);
    }
    const pairedAt = Date.now();

    // The meter's stored records, fetched by sequence number: every one, with its time, value and unit.
    const meter = adapter.household.find((h) => h.meterLog);
    const cgm = adapter.household.find((h) => h.cgmRecords);
    if (!meter || !cgm) throw new Error('the diabetes household has no meter or CGM');
    const expectedMeter = meterExpectation(meter, pairedAt);
    expect(expectedMeter.size).toBeGreaterThan(10);
    const meterQuery = `SELECT sequence, value, reported_value, reported_unit, sample_location, flags, meal, "unit" FROM glucose WHERE patient = 'P-E1' AND source = 'meter'`;
    await expect
      .poll(async () => (await server.influx.query(meterQuery)).length, POLL)
      .toBe(expectedMeter.size);
    const storedMeter = await server.influx.query(meterQuery);
    expect(meterRows(storedMeter)).toEqual(expectedMeter);
    for (const row of storedMeter) {
      const control = row.sample_location === 'control_solution';
      expect(row.unit).toBe('mg/dL'); // stored unit; mmol/L meters keep what they sent in reported_*
      expect(control ? row.flags : row.meal).toMatch(
        control ? /control_solution/ : /^(fasting|postprandial)$/,
      );
    }

    // The CGM's session so far (fetched through its control point), then live records, at session start + offset.
    const expectedCgm = cgmTimes(cgm, pairedAt);
    const cgmQuery = `SELECT value, trend, quality FROM glucose WHERE patient = 'P-E1' AND source = 'cgm'`;
    await expect
      .poll(async () => (await server.influx.query(cgmQuery)).length, POLL)
      .toBeGreaterThanOrEqual(expectedCgm.length);
    const storedCgm = await server.influx.query(cgmQuery);
    expect(storedCgm.map((r) => Number(r.time)).slice(0, expectedCgm.length)).toEqual(expectedCgm);
    const sessionStart = cgm.cgmRecords?.sessionStartAt(pairedAt) ?? 0;
    const last = storedCgm[expectedCgm.length - 1];
    const lastOffset = (Number(last?.time) - sessionStart) / MINUTE_MS;
    const model = cgm.cgmRecords?.record(sessionStart, lastOffset, cgm.device.battery.percent < 10);
    expect(last).toMatchObject({
      value: model?.glucose.kind === 'number' ? model.glucose.value : undefined,
      // InfluxDB keeps no negative zero: a trend of -0 reads back as 0.
      trend: model?.trend?.kind === 'number' ? model.trend.value + 0 : undefined,
      quality: model?.quality?.kind === 'number' ? model.quality.value : undefined,
    });

    // Live streams of the heart patient: heart rate with RR intervals from the chest, SpO2 and pulse rate.
    const live = async (measurement: string) =>
      server.influx.query(`SELECT value, rr_ms, body_location FROM ${measurement} WHERE patient = 'P-E2'`);
    await expect.poll(async () => (await live('heart_rate')).length, POLL).toBeGreaterThanOrEqual(3);
    await expect.poll(async () => (await live('spo2')).length, POLL).toBeGreaterThanOrEqual(3);
    expect((await live('pulse_rate')).length).toBeGreaterThanOrEqual(1);
    // RR intervals come with every beat while the strap touches the skin (it loses contact now
    // and then for up to 20 s, and sends none then).
    await expect
      .poll(async () => (await live('heart_rate')).find((r) => r.rr_ms), POLL)
      .toMatchObject({ body_location: 'chest' });

    // The retained status reached the server: every device with its battery.
    await expect
      .poll(async () => {
        const rows = await server.influx.query(
          'SELECT battery, connected, "device" FROM device_status WHERE gateway = \'gw-e2e-1\' AND battery >= 0',
        );
        return new Set(rows.map((r) => r.device)).size;
      }, POLL)
      .toBe(4);

    // The pairing command goes through the running gateway's API (it owns the adapter).
    const port = new URL(gateway.httpUrl).port;
    const env = {
      RPM_GATEWAY_ID: 'gw-e2e-1',
      RPM_PATIENT_IDS: 'P-E1,P-E2',
      RPM_MQTT_URL: config.mqtt.url,
      RPM_DATA_DIR: config.dataDir,
      RPM_HTTP_HOST: '127.0.0.1',
      RPM_HTTP_PORT: port,
      RPM_PAIRING_PIN: PIN,
    };
    const list = await runPairingCommand(['list'], env);
    const listed = list.stdout.split('\n').filter((line) => line.includes(' patient P-E'));
    expect(listed.map((line) => line.trim().split('  ')[0]).sort()).toEqual([
      'Glucose meter',
      'Glucose sensor (CGM)',
      'Heart-rate strap',
      'Pulse oximeter',
    ]);
    // The meter may already have hung up and gone to sleep, as meters do; the others stay connected.
    expect(listed.filter((line) => line.includes(' connected ')).length).toBeGreaterThanOrEqual(3);
    const strap = adapter.household.find((h) => h.device.kind === 'heart_rate')?.device.peripheral.id ?? '';
    expect(await runPairingCommand(['unpair', strap], env)).toMatchObject({ exitCode: 0 });
    expect(gateway.pairings.device(strap)).toBeUndefined();
    await expect.poll(() => gateway.central.status().some((s) => s.deviceId === strap), POLL).toBe(false);
  }, 180_000);
});

interface ChildGateway {
  process: ChildProcess;
  lines: { msg: string; [key: string]: unknown }[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('gateway process killed, restarted and cut off from the broker', () => {
  it('delivers every reading it spooled and every record the devices hold, each stored once', async () => {
    const database = uniqueDatabase('gateway_kill');
    const serverDataDir = freshDataDir();
    const mqttPort = await freePort();
    const serverOptions = { dataDir: serverDataDir, mqtt: { host: '127.0.0.1', port: mqttPort } };
    let server = await startTestServer(database, serverOptions);
    cleanups.push(() => server.close());
    const secret = await registerGateway(server.records, 'gw-e2e-2', ['P-K1', 'P-K2']);

    // Six simulated hours, played at 600 times real speed: 36 s, then real time. A seed whose CGM
    // session started well before, so the whole window is one session.
    const startedAt = Date.now();
    const from = startedAt - 6 * 60 * MINUTE_MS;
    const household = (seed: string) =>
      createHousehold({
        seed,
        patients: [
          { patientId: 'P-K1', profile: 'diabetes' },
          { patientId: 'P-K2', profile: 'heart' },
        ],
        clock: new ManualClock(from),
        timeZone: TIME_ZONE,
      });
    const seed = ['kill-1', 'kill-2', 'kill-3'].find((s) => {
      const records = household(s).find((h) => h.cgmRecords)?.cgmRecords;
      return (
        records !== undefined && records.sessionStartAt(startedAt + 30 * MINUTE_MS) < from - 60 * MINUTE_MS
      );
    });
    if (!seed) throw new Error('no seed with a CGM session spanning the test');
    const models = household(seed);
    const simulated = wallClock({ fromMs: from, sinceMs: startedAt, speed: 600 });

    const dataDir = await mkdtemp(join(tmpdir(), 'rpm-gw-kill-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      RPM_GATEWAY_ID: 'gw-e2e-2',
      RPM_PATIENT_IDS: 'P-K1,P-K2',
      RPM_TIME_ZONE: TIME_ZONE,
      RPM_MQTT_URL: `mqtt://127.0.0.1:${mqttPort}`,
      RPM_MQTT_USERNAME: 'gw-e2e-2',
      RPM_MQTT_PASSWORD: secret,
      RPM_DATA_DIR: dataDir,
      RPM_HTTP_HOST: '127.0.0.1',
      RPM_HTTP_PORT: String(await freePort()),
      RPM_LOG_LEVEL: 'debug',
      RPM_PUBLISH_STREAM_WINDOW_MS: '50',
      RPM_BLE_MODE: 'virtual',
      RPM_VIRTUAL_HOUSEHOLD: 'P-K1=diabetes,P-K2=heart',
      RPM_VIRTUAL_SEED: seed,
      RPM_VIRTUAL_FROM: new Date(from).toISOString(),
      RPM_VIRTUAL_SINCE: new Date(startedAt).toISOString(),
      RPM_VIRTUAL_SPEED: '600',
    };
    const spooled = new Set<string>();
    const startChild = (): ChildGateway => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', resolve(import.meta.dirname, '../gateway/main.ts')],
        {
          env,
          cwd: resolve(import.meta.dirname, '..'),
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const gateway: ChildGateway = {
        process: child,
        lines: [],
        exited: new Promise((done) => child.once('exit', (code, signal) => done({ code, signal }))),
      };
      let partial = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        const text = partial + chunk.toString();
        const complete = text.split('\n');
        partial = complete.pop() ?? '';
        for (const line of complete) {
          const entry = JSON.parse(line) as ChildGateway['lines'][number];
          gateway.lines.push(entry);
          if (entry.msg === 'readings spooled')
            for (const id of entry.readingIds as string[]) spooled.add(id);
        }
      });
      cleanups.push(async () => {
        child.kill('SIGKILL');
        await gateway.exited;
      });
      return gateway;
    };
    const stored = async (measurement: string, patientId: string, where = '') =>
      server.influx.query(
        `SELECT reading_id, sequence, value, reported_value, reported_unit FROM ${measurement} WHERE patient = ${quoted(patientId)}${where}`,
      );

    // 1. Killed mid-stream: records arriving from the meter and the fast-forwarded CGM, batches in flight.
    const first = startChild();
    await expect.poll(async () => (await stored('glucose', 'P-K1')).length, POLL).toBeGreaterThan(300);
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const spooledBeforeKill = spooled.size;

    // 2. Restarted on the same data dir: it resumes from its spool and its saved record positions.
    const second = startChild();
    await expect.poll(() => second.lines.some((l) => l.msg === 'gateway started'), POLL).toBe(true);
    await expect.poll(() => spooled.size, POLL).toBeGreaterThan(spooledBeforeKill + 50);

    // 3. The broker goes away; readings keep arriving and wait in the spool; the broker comes back.
    await server.close();
    await expect
      .poll(() => second.lines.some((l) => l.msg === 'disconnected from the broker'), POLL)
      .toBe(true);
    const spooledAtOutage = spooled.size;
    await expect.poll(() => spooled.size, POLL).toBeGreaterThan(spooledAtOutage + 30);
    server = await startTestServer(database, serverOptions);

    // 4. Every reading ever spooled, every meter record, every CGM record of the session: stored, once each.
    const meter = models.find((h) => h.meterLog);
    const cgm = models.find((h) => h.cgmRecords);
    if (!meter || !cgm) throw new Error('no meter or CGM in the household');
    const everything = async () => {
      const rows = [
        ...(await stored('glucose', 'P-K1')),
        ...(await stored('heart_rate', 'P-K2')),
        ...(await stored('spo2', 'P-K2')),
        ...(await stored('pulse_rate', 'P-K2')),
      ];
      return new Set(rows.map((r) => String(r.reading_id)));
    };
    await expect
      .poll(
        async () => {
          const ids = await everything();
          return [...spooled].filter((id) => !ids.has(id)).length;
        },
        { timeout: 120_000, interval: 500 },
      )
      .toBe(0);
    const now = simulated.now();
    const expectedMeter = meterExpectation(meter, from, now);
    const meterQuery = ` AND source = 'meter'`;
    // Every record the meter held when the gateway first reached it, up to the last one fetched,
    // is stored, once, with its own time, value and unit: no gap, nothing extra. The meter keeps
    // only its newest records, so a test the patient made in the simulated minutes before the
    // gateway's first fetch pushed the oldest one out. A test made after the gateway last heard
    // the meter waits in it until it wakes again: at 600 times real speed its two-minute awake
    // window is 0.2 s, shorter than the gateway's one-second reconnect delay.
    const oldestHeldAt = (line: ChildGateway['lines'][number] | undefined) => {
      if (!line) throw new Error('the first gateway never reached the meter');
      const at = wallClock({ fromMs: from, sinceMs: startedAt, speed: 600 }, () => line.time as number);
      return Math.min(...meterExpectation(meter, at.now()).keys());
    };
    const heldFrom = oldestHeldAt(
      first.lines.find((l) => l.msg === 'device connected' && l.kind === 'glucose_meter'),
    );
    const heldTo = oldestHeldAt(first.lines.find((l) => l.msg === 'glucose records fetched'));
    const upToLastFetched = (rows: Map<number, unknown>) => {
      const oldest = Math.min(...rows.keys());
      const within = heldFrom <= oldest && oldest <= heldTo ? oldest : heldFrom;
      return new Map(
        [...expectedMeter].filter(([sequence]) => within <= sequence && sequence <= Math.max(...rows.keys())),
      );
    };
    const unlike = (rows: Map<number, unknown>) => {
      const expected = upToLastFetched(rows);
      return {
        missing: [...expected.keys()].filter((sequence) => !rows.has(sequence)),
        extra: [...rows.keys()].filter((sequence) => !expected.has(sequence)),
      };
    };
    await expect
      .poll(async () => unlike(meterRows(await stored('glucose', 'P-K1', meterQuery))), POLL)
      .toEqual({ missing: [], extra: [] });
    const meterStored = meterRows(await stored('glucose', 'P-K1', meterQuery));
    expect(meterStored).toEqual(upToLastFetched(meterStored));
    expect(meterStored.size).toBeGreaterThanOrEqual(meterExpectation(meter, from).size);
    expect(expectedMeter.size - meterStored.size).toBeLessThanOrEqual(3);
    const expectedCgm = cgmTimes(cgm, simulated.now());
    await expect
      .poll(async () => {
        const times = new Set(
          (await stored('glucose', 'P-K1', ` AND source = 'cgm'`)).map((r) => Number(r.time)),
        );
        return cgmTimes(cgm, simulated.now()).filter((t) => !times.has(t));
      }, POLL)
      .toEqual([]);
    expect(expectedCgm.length).toBeGreaterThan(72); // at least the six hours played: 12 an hour
    for (const [measurement, patientId] of [
      ['glucose', 'P-K1'],
      ['heart_rate', 'P-K2'],
      ['spo2', 'P-K2'],
    ] as const) {
      const rows = await stored(measurement, patientId);
      expect(rows.length).toBe(new Set(rows.map((r) => r.reading_id)).size); // a reading sent twice is stored once
    }

    // 5. SIGTERM: a clean stop, "offline" retained.
    second.process.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.lines.some((l) => l.msg === 'stopped cleanly')).toBe(true);
    await expect
      .poll(
        async () =>
          (await server.influx.query("SELECT last(online) FROM gateway_status WHERE gateway = 'gw-e2e-2'"))[0]
            ?.last,
        POLL,
      )
      .toBe(false);
  }, 300_000);
});
