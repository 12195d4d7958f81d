import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GatewayStatus } from '../common/contract.ts';
import type { DeviceLinkStatus } from './ble/ble-central.ts';
import { gatewayStatus, StatusReporter, type StatusSources } from './gateway-status.ts';
import { PairingStore } from './pairing/pairing-store.ts';

const log = pino({ level: 'silent' });
const NOW = new Date('2026-11-24T08:00:00.000Z');

async function sources(links: DeviceLinkStatus[] = []): Promise<StatusSources> {
  const dir = await mkdtemp(join(tmpdir(), 'rpm-status-'));
  const before = await PairingStore.open({ dataDir: dir, patientIds: ['P-1', 'P-2'], log });
  await before.pair({
    deviceId: 'c30000000001',
    address: 'c3:00:00:00:00:01',
    kind: 'heart_rate',
    name: 'PulseBand H2 0001',
    patientId: 'P-1',
  });
  await before.pair({
    deviceId: 'c10000000001',
    address: 'c1:00:00:00:00:01',
    kind: 'glucose_meter',
    name: null,
    patientId: 'P-2',
  });
  before.noteBattery('c10000000001', 81);
  before.noteSeen('c10000000001', new Date('2026-11-24T07:40:00.000Z'));
  await before.close();
  // P-2 left this gateway: its meter stays paired but is not reported.
  const pairings = await PairingStore.open({ dataDir: dir, patientIds: ['P-1'], log });
  pairings.noteBattery('c30000000001', 47);
  return {
    gatewayId: 'gw-home-1',
    softwareVersion: '0.1.0',
    pairings,
    links: () => links,
    spooled: () => 12,
    now: () => NOW,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('gateway status', () => {
  it('reports each served device with battery, signal, connection and last seen', async () => {
    const status = gatewayStatus(
      await sources([
        {
          deviceId: 'c30000000001',
          kind: 'heart_rate',
          name: 'PulseBand H2 0001',
          connected: true,
          rssi: -131, // below what the contract carries
          lastSeen: new Date('2026-11-24T07:59:59.000Z'),
        },
      ]),
    );
    expect(status).toEqual<GatewayStatus>({
      gatewayId: 'gw-home-1',
      online: true,
      at: '2026-11-24T08:00:00.000Z',
      softwareVersion: '0.1.0',
      spooled: 12,
      devices: [
        {
          deviceId: 'c30000000001',
          patientId: 'P-1',
          kind: 'heart_rate',
          name: 'PulseBand H2 0001',
          batteryPercent: 47,
          rssi: -127,
          connected: true,
          lastSeen: '2026-11-24T07:59:59.000Z',
        },
      ],
    });
  });

  it('says a device never heard since start is not connected, with its remembered last-seen time', async () => {
    const s = await sources();
    await s.pairings.close();
    const dir = await mkdtemp(join(tmpdir(), 'rpm-status-'));
    const pairings = await PairingStore.open({ dataDir: dir, patientIds: ['P-2'], log });
    await pairings.pair({
      deviceId: 'c10000000001',
      address: 'c1',
      kind: 'glucose_meter',
      name: null,
      patientId: 'P-2',
    });
    pairings.noteSeen('c10000000001', new Date('2026-11-24T07:40:00.000Z'));
    const [device] = gatewayStatus({ ...s, pairings }).devices;
    expect(device).toMatchObject({
      connected: false,
      rssi: null,
      batteryPercent: null,
      lastSeen: '2026-11-24T07:40:00.000Z',
    });
    expect(device).not.toHaveProperty('name');
  });

  it('publishes at start, once for a burst of changes, and every interval', async () => {
    vi.useFakeTimers();
    const published: GatewayStatus[] = [];
    const reporter = new StatusReporter({
      sources: await sources(),
      publish: async (status) => published.push(status),
      log,
      debounceMs: 2_000,
      intervalMs: 60_000,
    });
    reporter.start();
    expect(published).toHaveLength(1);
    reporter.changed();
    reporter.changed();
    reporter.changed();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(published).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(published).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(published).toHaveLength(3);
    reporter.stop();
    reporter.changed();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(published).toHaveLength(3);
  });
});
