import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BleCentral } from '../ble/ble-central.ts';
import { heartRateStrap, pulseOximeter, virtualRadio } from '../ble/test-fixtures.ts';
import { VirtualPeripheral } from '../ble/virtual-peripheral.ts';
import { TEST_TIMING } from '../simulator/device-test-fixtures.ts';
import { createPairingPage } from './pairing-page.ts';
import { NearbyResponse, PairingOverview } from './pairing-page-api.ts';
import { PairingStore } from './pairing-store.ts';

const log = pino({ level: 'silent' });
const PIN = '482915';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pairingPage({ pin }: { pin?: string } = { pin: PIN }) {
  // A cycling speed sensor (0x1816): a Bluetooth device, but no health device.
  const bikeSensor = new VirtualPeripheral({
    address: 'a4:c1:38:00:00:09',
    name: 'Cycling sensor',
    advertisedServices: ['1816'],
    advertisingIntervalMs: 5,
    services: [{ uuid: '1816', characteristics: [] }],
  });
  const strap = heartRateStrap({ rssi: -58 });
  const oximeter = pulseOximeter({ rssi: -83 });
  const radio = await virtualRadio([strap, oximeter, bikeSensor]);
  const central = new BleCentral({
    noble: radio.noble,
    sessions: {},
    timing: TEST_TIMING,
    random: () => 0.5,
  });
  const pairings = await PairingStore.open({
    dataDir: await mkdtemp(join(tmpdir(), 'rpm-page-')),
    patientIds: ['P-1', 'P-2'],
    log,
  });
  pairings.on('pairingsChanged', () =>
    central.setWantedDevices(pairings.devices().map((d) => ({ id: d.deviceId, kind: d.kind }))),
  );
  const app = await createPairingPage({
    gatewayId: 'gw-home-1',
    patientIds: ['P-1', 'P-2'],
    pin,
    pairings,
    central,
    delivery: () => ({ connected: true, spooled: 3 }),
    log,
  });
  cleanups.push(async () => {
    await app.close();
    await central.stop();
    await pairings.close();
  });
  const scan = async () => NearbyResponse.parse((await app.inject('/api/nearby?seconds=1')).json());
  const pair = (body: unknown, headers: Record<string, string> = { 'x-pairing-pin': PIN }) =>
    app.inject({
      method: 'POST',
      url: '/api/pairings',
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  const overview = async () => PairingOverview.parse((await app.inject('/api/overview')).json());
  return { app, strap, oximeter, pairings, scan, pair, overview };
}

describe('pairing page', () => {
  it('serves the page with its own script and stylesheet only, and cannot be framed', async () => {
    const { app } = await pairingPage();
    const page = await app.inject('/');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<script src="/pairing.js" defer></script>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const script = await app.inject('/pairing.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain('Glucose sensor (CGM)');
    expect((await app.inject('/pairing.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('lists nearby health devices by kind and signal, leaving out other devices', async () => {
    const { scan, strap, oximeter } = await pairingPage();
    const { devices } = await scan();
    expect(devices.map((d) => [d.deviceId, d.kind, d.name, d.pairedTo])).toEqual([
      [strap.id, 'heart_rate', 'HR strap', null],
      [oximeter.id, 'pulse_oximeter', 'Oximeter', null],
    ]);
    expect(devices[0]?.rssi).toBeGreaterThanOrEqual(-60);
    expect(devices[1]?.rssi).toBeLessThanOrEqual(-81);
  });

  it('pairs a nearby device to one of the gateway patients with the PIN, and shows it with its state', async () => {
    const { scan, pair, overview, strap, pairings } = await pairingPage();
    await scan();
    const response = await pair({ deviceId: strap.id, patientId: 'P-2' });
    expect(response.statusCode).toBe(201);
    expect(response.json().device).toMatchObject({
      deviceId: strap.id,
      kind: 'heart_rate',
      patientId: 'P-2',
    });
    expect(pairings.device(strap.id)?.patientId).toBe('P-2');
    pairings.noteBattery(strap.id, 64);
    await expect.poll(async () => (await overview()).devices[0]?.connected, { timeout: 5_000 }).toBe(true);
    expect(await overview()).toMatchObject({
      gatewayId: 'gw-home-1',
      patientIds: ['P-1', 'P-2'],
      pairingEnabled: true,
      broker: { connected: true, spooled: 3 },
      devices: [
        { deviceId: strap.id, name: 'HR strap', batteryPercent: 64, collected: true, lastReadingAt: null },
      ],
    });
    expect((await scan()).devices.find((d) => d.deviceId === strap.id)).toBeUndefined(); // connected: no longer advertising
  });

  it('refuses changes without the right PIN, and locks out after five wrong ones', async () => {
    const { scan, pair, strap, pairings } = await pairingPage();
    await scan();
    const body = { deviceId: strap.id, patientId: 'P-1' };
    const missing = await pair(body, {});
    expect([missing.statusCode, missing.json().message]).toEqual([
      401,
      'Wrong PIN. Use the pairing PIN printed on the gateway.',
    ]);
    for (let i = 0; i < 4; i++)
      expect((await pair(body, { 'x-pairing-pin': '000000' })).statusCode).toBe(401);
    const locked = await pair(body, { 'x-pairing-pin': PIN });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().message).toBe('Too many wrong PINs. Try again in 5 minutes.');
    expect(pairings.devices()).toEqual([]);
  });

  it('refuses a form post (only JSON from the page itself), a patient of another gateway and a device not heard', async () => {
    const { app, scan, pair, strap } = await pairingPage();
    await scan();
    const form = await app.inject({
      method: 'POST',
      url: '/api/pairings',
      payload: `deviceId=${strap.id}&patientId=P-1`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-pairing-pin': PIN },
    });
    expect(form.statusCode).toBe(415);
    const stranger = await pair({ deviceId: strap.id, patientId: 'P-9' });
    expect([stranger.statusCode, stranger.json().message]).toEqual([
      422,
      `device ${strap.id}: patient P-9 is not one of this gateway's patients (P-1, P-2)`,
    ]);
    expect((await pair({ deviceId: 'a4c1380000ff', patientId: 'P-1' })).statusCode).toBe(404);
    expect((await pair({ deviceId: strap.id, patientId: 'P-1' })).statusCode).toBe(201);
    expect((await pair({ deviceId: strap.id, patientId: 'P-2' })).statusCode).toBe(409);
  });

  it('unpairs with the PIN, and refuses without it', async () => {
    const { app, scan, pair, strap, pairings } = await pairingPage();
    await scan();
    await pair({ deviceId: strap.id, patientId: 'P-1' });
    const unpair = (headers: Record<string, string>) =>
      app.inject({ method: 'DELETE', url: `/api/pairings/${strap.id}`, headers });
    expect((await unpair({})).statusCode).toBe(401);
    const done = await unpair({ 'x-pairing-pin': PIN });
    expect(done.statusCode).toBe(200);
    expect(done.json().device).toMatchObject({ deviceId: strap.id, patientId: 'P-1' });
    expect(pairings.devices()).toEqual([]);
    expect((await unpair({ 'x-pairing-pin': PIN })).statusCode).toBe(404);
  });

  it('refuses every change when no pairing PIN is configured, and says so', async () => {
    const { scan, pair, strap, overview } = await pairingPage({});
    await scan();
    const response = await pair({ deviceId: strap.id, patientId: 'P-1' }, { 'x-pairing-pin': '' });
    expect(response.statusCode).toBe(403);
    expect(response.json().message).toContain('RPM_PAIRING_PIN');
    expect((await overview()).pairingEnabled).toBe(false);
  });
});
