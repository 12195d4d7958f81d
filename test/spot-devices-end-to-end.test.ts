/**
 * Cuffs, scales and thermometers through the real pipeline: simulated devices behind noble's
 * bindings on the virtual adapter, the gateway (in-process), the embedded broker, the ingest
 * and InfluxDB. A cuff that kept a week of measurements while no gateway listened hands them
 * all over once the gateway pairs it; each is stored once, at the cuff's own time, also when
 * the gateway comes back and the cuff is heard again; a new measurement arrives at once; a
 * thermometer set to Fahrenheit is stored in Celsius, exactly.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openAdapter } from '../gateway/ble/open-adapter.ts';
import { GatewayConfig } from '../gateway/config.ts';
import { createThermometer } from '../gateway/profiles/thermometer/simulated-thermometer.ts';
import { testModelOptions } from '../gateway/simulator/device-test-fixtures.ts';
import { createHousehold, type HouseholdDevice } from '../gateway/simulator/household.ts';
import { wallClock } from '../gateway/simulator/simulation-clock.ts';
import { startGateway } from '../gateway/start-gateway.ts';
import type { RunningServer } from '../server/start-server.ts';
import { registerGateway, startTestServer, uniqueDatabase } from './helpers.ts';

const TIME_ZONE = 'Asia/Karachi';
const POLL = { timeout: 60_000, interval: 250 };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('cuffs, scales and thermometers end to end', () => {
  it('stores a week of kept cuff readings once each, in order, through a gateway restart; a new one at once; °F exactly as °C', async () => {
    const server: RunningServer = await startTestServer(uniqueDatabase('spot_e2e'));
    cleanups.push(() => server.close());
    const secret = await registerGateway(server.records, 'gw-spot', ['P-S1', 'P-S2']);
    const config = GatewayConfig.parse({
      gatewayId: 'gw-spot',
      patientIds: ['P-S1', 'P-S2'],
      timeZone: TIME_ZONE,
      dataDir: await mkdtemp(join(tmpdir(), 'rpm-spot-e2e-')),
      mqtt: { url: `mqtt://127.0.0.1:${server.mqttPort}`, username: 'gw-spot', password: secret },
      publish: { batchSize: 200, maxInFlight: 8, streamWindowMs: 20, encoding: 'series' },
      ble: { mode: 'virtual' },
      virtual: { household: [{ patientId: 'P-S1', profile: 'hypertension' }], seed: 'spot' },
      http: { host: '127.0.0.1', port: 0 },
    });
    const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
    const clock = wallClock();
    /** The same home each time: the seed makes the same devices with the same week kept. */
    const home = () => {
      const household = createHousehold({
        seed: 'spot',
        patients: [{ patientId: 'P-S1', profile: 'hypertension' }],
        clock,
        timeZone: TIME_ZONE,
        historyDays: 7,
        advertisingIntervalMs: 20,
      });
      const thermometer = createThermometer({
        ...testModelOptions('c4:00:00:00:00:42', clock, 'spot-thermometer'),
        unit: 'fahrenheit',
      });
      const devices: HouseholdDevice[] = [...household, { patientId: 'P-S2', device: thermometer }];
      return { devices, thermometer, cuff: household.find((d) => d.cuff)?.cuff };
    };
    /** The gateway, pairing the home's devices on first start and starting them. */
    const run = async (devices: HouseholdDevice[]) => {
      const noble = await openAdapter(config.ble, { peripherals: devices.map((d) => d.device.peripheral) });
      const gateway = await startGateway(config, log, { noble, household: devices });
      return () => gateway.close();
    };
    const pressures = async () =>
      server.influx.query(
        "SELECT value, diastolic, mean, reading_id, pulse FROM blood_pressure WHERE patient = 'P-S1'",
      );

    const first = home();
    // The week the cuff kept: morning and evening, some days twice (how many of them fall in
    // the week depends on the hour the test runs), all handed over once the gateway pairs it.
    const kept = first.cuff?.waiting() ?? 0;
    expect(kept).toBeGreaterThanOrEqual(7);
    const stopFirst = await run(first.devices);
    await expect.poll(async () => (await pressures()).length, POLL).toBe(kept);
    await expect.poll(() => first.cuff?.waiting(), POLL).toBe(0); // each confirmed, deleted from the cuff
    const week = await pressures();
    const times = week.map((r) => Number(r.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeLessThan(Date.now() - 5 * 86_400_000);
    expect(new Set(week.map((r) => r.reading_id)).size).toBe(week.length);
    for (const r of week) {
      expect(Number(r.diastolic)).toBeLessThan(Number(r.value));
      expect(Number(r.mean)).toBeGreaterThan(Number(r.diastolic));
    }

    // 101.3 °F at the thermometer: stored as (101.3 - 32) x 5 / 9 = 38.5 °C exactly.
    first.thermometer.take(38.5);
    await expect
      .poll(async () => server.influx.query("SELECT * FROM body_temperature WHERE patient = 'P-S2'"), POLL)
      .toEqual([
        expect.objectContaining({ value: 38.5, unit: 'Cel', reported_value: 101.3, reported_unit: '[degF]' }),
      ]);
    await stopFirst();

    // The gateway comes back (a power cut ended): the cuff, rebuilt from the same seed, holds
    // the same week again and hands it over again; nothing is stored twice.
    const again = home();
    cleanups.push(await run(again.devices));
    again.cuff?.measure({ systolic: 185, diastolic: 115, pulseRate: 88 });
    await expect
      .poll(async () => (await pressures()).map((r) => [r.value, r.diastolic, r.pulse]).at(-1), POLL)
      .toEqual([185, 115, 88]);
    expect((await pressures()).length).toBe(week.length + 1);
  }, 120_000);
});
