import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { PAIRINGS_FILE, PairingRefusedError, PairingStore, PairingStoreError } from './pairing-store.ts';

const log = pino({ level: 'silent' });
const strap = {
  deviceId: 'c30000000001',
  address: 'c3:00:00:00:00:01',
  kind: 'heart_rate',
  name: 'PulseBand H2 0001',
} as const;
const meter = {
  deviceId: 'c10000000001',
  address: 'c1:00:00:00:00:01',
  kind: 'glucose_meter',
  name: null,
} as const;

async function openStore(dataDir?: string, patientIds = ['P-1', 'P-2'], stateFlushMs = 60_000) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'rpm-pairings-')));
  const store = await PairingStore.open({
    dataDir: dir,
    patientIds,
    log,
    now: () => new Date('2026-11-24T08:00:00.000Z'),
    stateFlushMs,
  });
  return { store, dir };
}

describe('pairing store', () => {
  it('pairs devices to the gateway patients and remembers them across a restart', async () => {
    const { store, dir } = await openStore();
    let changes = 0;
    store.on('pairingsChanged', () => changes++);
    await store.pair({ ...strap, patientId: 'P-1' });
    await store.pair({ ...meter, patientId: 'P-2' });
    await store.saveGlucoseSequence(meter.deviceId, 42);
    await store.close();
    expect(changes).toBe(2);

    const { store: reopened } = await openStore(dir);
    expect(reopened.devices()).toEqual([
      { ...strap, patientId: 'P-1', pairedAt: '2026-11-24T08:00:00.000Z' },
      { ...meter, patientId: 'P-2', pairedAt: '2026-11-24T08:00:00.000Z' },
    ]);
    expect(reopened.state(meter.deviceId).glucoseSequence).toBe(42);
  });

  it('refuses a patient the gateway does not serve, a second pairing, and unpairing a stranger', async () => {
    const { store } = await openStore();
    await expect(store.pair({ ...strap, patientId: 'P-9' })).rejects.toThrow(
      "device c30000000001: patient P-9 is not one of this gateway's patients (P-1, P-2)",
    );
    await store.pair({ ...strap, patientId: 'P-1' });
    await expect(store.pair({ ...strap, patientId: 'P-2' })).rejects.toMatchObject({
      reason: 'already_paired',
    });
    await expect(store.unpair(meter.deviceId)).rejects.toBeInstanceOf(PairingRefusedError);
    expect(store.devices().map((d) => d.patientId)).toEqual(['P-1']);
  });

  it('forgets a device and its record position when it is unpaired', async () => {
    const { store, dir } = await openStore();
    await store.pair({ ...meter, patientId: 'P-1' });
    await store.saveGlucoseSequence(meter.deviceId, 7);
    await store.unpair(meter.deviceId);
    await store.saveGlucoseSequence(meter.deviceId, 8); // a session still running: ignored
    const file = JSON.parse(await readFile(join(dir, PAIRINGS_FILE), 'utf8'));
    expect(file).toEqual({ version: 1, devices: [], state: {} });
  });

  it('keeps devices of a patient no longer served, without collecting from them', async () => {
    const { store, dir } = await openStore();
    await store.pair({ ...strap, patientId: 'P-1' });
    await store.pair({ ...meter, patientId: 'P-2' });
    await store.close();
    const { store: reopened } = await openStore(dir, ['P-2']);
    expect(reopened.devices()).toHaveLength(2);
    expect(reopened.servedDevices().map((d) => d.deviceId)).toEqual([meter.deviceId]);
  });

  it('writes battery and last-reading times within the flush delay, and announces only a changed battery', async () => {
    const { store, dir } = await openStore(undefined, ['P-1', 'P-2'], 50);
    await store.pair({ ...strap, patientId: 'P-1' });
    const changed: string[] = [];
    store.on('stateChanged', (id) => changed.push(id));
    store.noteBattery(strap.deviceId, 57);
    store.noteReading(strap.deviceId, new Date('2026-11-24T08:01:00.000Z'));
    store.noteBattery(strap.deviceId, 57);
    expect(changed).toEqual([strap.deviceId]); // the gateway status has no last-reading time
    const onDisk = async () =>
      JSON.parse(await readFile(join(dir, PAIRINGS_FILE), 'utf8')).state[strap.deviceId];
    await expect.poll(onDisk, { timeout: 5_000 }).toMatchObject({
      batteryPercent: 57,
      lastReadingAt: '2026-11-24T08:01:00.000Z',
    });
    store.noteSeen(strap.deviceId, new Date('2026-11-24T08:02:00.000Z'));
    await store.close();
    expect(await onDisk()).toMatchObject({ lastSeen: '2026-11-24T08:02:00.000Z' });
  });

  it('refuses to start on a file it cannot understand, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rpm-pairings-'));
    await writeFile(join(dir, PAIRINGS_FILE), '{"version":1,"devices":[{"deviceId":"x"}],"state":{}}');
    const opening = openStore(dir);
    await expect(opening).rejects.toBeInstanceOf(PairingStoreError);
    await expect(opening).rejects.toThrow(`pairing store ${join(dir, PAIRINGS_FILE)}: unexpected content`);
  });
});
