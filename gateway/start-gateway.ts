/**
 * Composes the gateway: pairing store -> disk spool -> MQTT publisher -> Bluetooth central
 * with a session per device kind -> pairing page -> retained status. Used by gateway/main.ts
 * and, in-process, by the tests.
 *
 * The Bluetooth side is opened first and separately (`openGatewayAdapter`): the machine's
 * adapter, or in virtual mode a simulated household (simulator/household.ts) on the virtual
 * adapter. In virtual mode the household's devices are paired to their patients on a first
 * start (RPM_VIRTUAL_PAIR_HOUSEHOLD), so a demo shows readings at once.
 *
 * `close` stops in this order: the pairing page, the status, the devices, the Bluetooth
 * connections, then the publisher (which waits, bounded, for the PUBACKs of the batches in
 * flight, publishes "offline" and closes the spool), then the pairing store.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../common/config.ts';
import type { Logger } from '../common/log.ts';
import { BleCentral, type CentralTiming, type DeviceLinkStatus } from './ble/ble-central.ts';
import type { Noble } from './ble/noble-instance.ts';
import { openAdapter } from './ble/open-adapter.ts';
import type { GatewayConfig } from './config.ts';
import { StatusReporter } from './gateway-status.ts';
import { createPairingPage } from './pairing/pairing-page.ts';
import { PairingStore } from './pairing/pairing-store.ts';
import { deviceSessions } from './profiles/registry.ts';
import { ReadingPublisher } from './reading-publisher.ts';
import { createHousehold, type HouseholdDevice, type HouseholdPatient } from './simulator/household.ts';
import { PatientProfile } from './simulator/patient-profile.ts';
import { FastForwardError, wallClock } from './simulator/simulation-clock.ts';
import { ReadingSpool } from './spool/reading-spool.ts';

export interface GatewayAdapter {
  noble: Noble;
  /** The simulated devices (virtual mode), with their patients; empty with a real adapter. */
  household: HouseholdDevice[];
}

export const SOFTWARE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The household to simulate: as configured, or the gateway's patients taking the profiles in turn. */
export function householdPatients(config: GatewayConfig): HouseholdPatient[] {
  const configured = config.virtual.household;
  if (!configured) {
    return config.patientIds.map((patientId, i) => ({
      patientId,
      profile: PatientProfile.options[i % PatientProfile.options.length] ?? 'diabetes',
    }));
  }
  const strangers = configured.filter((p) => !config.patientIds.includes(p.patientId));
  if (strangers.length > 0) {
    throw new ConfigError(
      strangers.map(
        (p) =>
          `RPM_VIRTUAL_HOUSEHOLD: patient ${p.patientId} is not in RPM_PATIENT_IDS (${config.patientIds.join(', ')})`,
      ),
    );
  }
  return configured;
}

/**
 * The Bluetooth side: the machine's adapter (BluetoothUnavailableError when there is none), or
 * the simulated household on the virtual adapter. Call before installing signal handlers.
 */
export async function openGatewayAdapter(
  config: GatewayConfig,
  options: { startedAt?: number; advertisingIntervalMs?: number } = {},
): Promise<GatewayAdapter> {
  if (config.ble.mode !== 'virtual') return { noble: await openAdapter(config.ble), household: [] };
  const { from, since, speed, seed, historyDays } = config.virtual;
  let clock: ReturnType<typeof wallClock>;
  try {
    clock = wallClock(
      from === undefined
        ? undefined
        : {
            fromMs: Date.parse(from),
            sinceMs: since ? Date.parse(since) : (options.startedAt ?? Date.now()),
            speed,
          },
    );
  } catch (error) {
    if (!(error instanceof FastForwardError)) throw error;
    throw new ConfigError([
      `RPM_VIRTUAL_FROM = ${JSON.stringify(from)}: must not be later than RPM_VIRTUAL_SINCE (or the start)`,
    ]);
  }
  const household = createHousehold({
    seed: seed ?? config.gatewayId,
    patients: householdPatients(config),
    clock,
    timeZone: config.timeZone,
    historyDays,
    ...(from === undefined ? {} : { startedAtMs: Date.parse(from) }),
    ...(options.advertisingIntervalMs === undefined
      ? {}
      : { advertisingIntervalMs: options.advertisingIntervalMs }),
  });
  const noble = await openAdapter(config.ble, { peripherals: household.map((h) => h.device.peripheral) });
  return { noble, household };
}

export interface GatewayOptions {
  softwareVersion?: string;
  now?: () => Date;
  timing?: Partial<CentralTiming>;
  /** Reconnect delays of the publisher (default 1-60 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  statusIntervalMs?: number;
  transferSilenceMs?: number;
}

export interface RunningGateway {
  /** The pairing page, e.g. http://127.0.0.1:8090 */
  httpUrl: string;
  pairings: PairingStore;
  publisher: ReadingPublisher;
  central: BleCentral;
  close(): Promise<void>;
}

export async function startGateway(
  config: GatewayConfig,
  log: Logger,
  adapter: GatewayAdapter,
  options: GatewayOptions = {},
): Promise<RunningGateway> {
  const now = options.now ?? (() => new Date());
  const pairings = await PairingStore.open({ dataDir: config.dataDir, patientIds: config.patientIds, log });
  if (config.virtual.pairHousehold && adapter.household.length > 0 && pairings.devices().length === 0) {
    for (const { patientId, device } of adapter.household) {
      const { id, address, name } = device.peripheral;
      await pairings.pair({ deviceId: id, address, kind: device.kind, name, patientId });
    }
  }
  const spool = await ReadingSpool.open({
    dir: join(config.dataDir, 'spool'),
    maxBytes: config.spool.maxBytes,
    whenFull: config.spool.whenFull,
    log,
  });
  const publisher = ReadingPublisher.start({
    gatewayId: config.gatewayId,
    mqtt: config.mqtt,
    publish: config.publish,
    spool,
    log,
    now,
    ...(options.reconnectMinMs === undefined ? {} : { reconnectMinMs: options.reconnectMinMs }),
    ...(options.reconnectMaxMs === undefined ? {} : { reconnectMaxMs: options.reconnectMaxMs }),
  });
  const central = new BleCentral({
    noble: adapter.noble,
    sessions: deviceSessions({
      pairings,
      spool,
      timeZone: config.timeZone,
      now,
      log: log.child({ component: 'sessions' }),
      ...(options.transferSilenceMs === undefined ? {} : { transferSilenceMs: options.transferSilenceMs }),
    }),
    ...(options.timing ? { timing: options.timing } : {}),
    log,
  });
  const wantPairedDevices = () =>
    central.setWantedDevices(pairings.servedDevices().map((d) => ({ id: d.deviceId, kind: d.kind })));
  pairings.on('pairingsChanged', wantPairedDevices);
  wantPairedDevices();
  for (const { device } of adapter.household) device.start();

  const status = new StatusReporter({
    sources: {
      gatewayId: config.gatewayId,
      softwareVersion: options.softwareVersion ?? SOFTWARE_VERSION,
      pairings,
      links: () => central.status(),
      spooled: () => spool.pending,
      now,
    },
    publish: (s) => publisher.publishStatus(s),
    log,
    ...(options.statusIntervalMs === undefined ? {} : { intervalMs: options.statusIntervalMs }),
  });
  const seen = (link: DeviceLinkStatus) => {
    if (link.lastSeen) pairings.noteSeen(link.deviceId, link.lastSeen);
  };
  central.on('seen', seen);
  central.on('rssi', seen);
  const linkChanged = (link: DeviceLinkStatus) => {
    seen(link);
    status.changed();
  };
  central.on('connected', linkChanged);
  central.on('disconnected', linkChanged);
  pairings.on('pairingsChanged', () => status.changed());
  pairings.on('stateChanged', () => status.changed());
  publisher.on('connect', () => status.publishNow());
  status.start();

  const page = await createPairingPage({
    gatewayId: config.gatewayId,
    patientIds: config.patientIds,
    pin: config.pairing.pin,
    pairings,
    central,
    delivery: () => {
      const state = publisher.state();
      return { connected: state.connected, spooled: state.spooled };
    },
    log,
  });
  const httpUrl = await page.listen({ host: config.http.host, port: config.http.port });
  log.info(
    {
      gatewayId: config.gatewayId,
      pairingPage: httpUrl,
      ble: config.ble.mode,
      devices: pairings.servedDevices().length,
      pairingPin: config.pairing.pin ? 'set' : 'not set: pairing switched off',
    },
    'gateway started',
  );

  return {
    httpUrl,
    pairings,
    publisher,
    central,
    async close() {
      await page.close();
      status.stop();
      for (const { device } of adapter.household) device.stop();
      await central.stop();
      await publisher.close();
      await pairings.close();
    },
  };
}
