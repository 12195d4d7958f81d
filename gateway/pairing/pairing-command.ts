/**
 * Pairing from the gateway's command line, with the gateway's own configuration (the same
 * environment or RPM_CONFIG file):
 *
 *   npx tsx gateway/pairing/pairing-command.ts list
 *   npx tsx gateway/pairing/pairing-command.ts scan [seconds]
 *   npx tsx gateway/pairing/pairing-command.ts pair <device id or address> <patient id>
 *   npx tsx gateway/pairing/pairing-command.ts unpair <device id or address>
 *
 * Only one process can own the Bluetooth adapter, so when the gateway is running the command
 * goes through its local pairing API (with the configured pairing PIN); when it is not, the
 * command opens the adapter (or the simulated household) and the pairing store itself.
 * Exit codes: 0 done, 1 refused or failed (the reason is printed), 2 wrong usage or settings.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { ConfigError } from '../../common/config.ts';
import { DEVICE_KIND_LABELS } from '../../common/device-kinds.ts';
import { BleCentral, type NearbyDevice } from '../ble/ble-central.ts';
import { BluetoothUnavailableError } from '../ble/open-adapter.ts';
import { type GatewayConfig, loadGatewayConfig } from '../config.ts';
import { openGatewayAdapter } from '../start-gateway.ts';
import { batteryText, signalText } from './pairing-labels.ts';
import {
  ApiError,
  type NearbyHealthDevice,
  NearbyResponse,
  type PairedDeviceView,
  PairingOverview,
  PairingResponse,
  PIN_HEADER,
} from './pairing-page-api.ts';
import { PairingRefusedError, PairingStore } from './pairing-store.ts';

export interface CommandResult {
  exitCode: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

const USAGE = `usage:
  pairing-command list
  pairing-command scan [seconds]
  pairing-command pair <device id or address> <patient id>
  pairing-command unpair <device id or address>`;

const DEFAULT_SCAN_SECONDS = 5;

class CommandFailure extends Error {
  constructor(
    readonly exitCode: 1 | 2,
    message: string,
  ) {
    super(message);
    this.name = 'CommandFailure';
  }
}

/** `C3:00:00:00:00:01` and `c30000000001` name the same device (noble's id on Linux). */
function deviceIdOf(text: string): string {
  return text.trim().toLowerCase().replaceAll(':', '');
}

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const minutes = Math.round((now - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

function pairedLine(d: PairedDeviceView, now: number): string {
  return [
    DEVICE_KIND_LABELS[d.kind].padEnd(21),
    (d.name ?? d.address).padEnd(20),
    d.deviceId.padEnd(13),
    `patient ${d.patientId}`.padEnd(16),
    (d.connected ? 'connected' : `last seen ${ago(d.lastSeen, now)}`).padEnd(22),
    `battery ${batteryText(d.batteryPercent, '?')}`.padEnd(13),
    `last reading ${ago(d.lastReadingAt, now)}`,
    d.collected ? '' : '(patient not served: not collected)',
  ]
    .join(' ')
    .trimEnd();
}

function nearbyLine(d: NearbyHealthDevice): string {
  return [
    DEVICE_KIND_LABELS[d.kind].padEnd(21),
    (d.name ?? '(no name)').padEnd(20),
    d.deviceId.padEnd(13),
    signalText(d.rssi).padEnd(14),
    d.pairedTo ? `paired to ${d.pairedTo}` : 'not paired',
  ].join(' ');
}

/** The pairing operations, either through the running gateway or on the adapter and store directly. */
interface Pairing {
  overview(): Promise<PairingOverview>;
  nearby(seconds: number): Promise<NearbyHealthDevice[]>;
  pair(deviceId: string, patientId: string): Promise<PairedDeviceView>;
  unpair(deviceId: string): Promise<PairedDeviceView>;
  close(): Promise<void>;
}

/** The running gateway's pairing API, or undefined when nothing answers there. */
async function runningGateway(config: GatewayConfig): Promise<Pairing | undefined> {
  const host = ['0.0.0.0', '::'].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
  const call = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    const response = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
    const body: unknown = await response.json();
    if (!response.ok)
      throw new CommandFailure(
        1,
        ApiError.safeParse(body).data?.message ?? `the gateway answered ${response.status}`,
      );
    return body;
  };
  try {
    await fetch(`${base}/api/overview`, { signal: AbortSignal.timeout(2_000) });
  } catch {
    return undefined;
  }
  const pinHeaders = (): Record<string, string> => {
    if (!config.pairing.pin)
      throw new CommandFailure(1, 'no pairing PIN is configured (RPM_PAIRING_PIN): pairing is switched off');
    return { [PIN_HEADER]: config.pairing.pin };
  };
  const nearby = async (seconds: number) =>
    NearbyResponse.parse(await call(`/api/nearby?seconds=${seconds}`)).devices;
  return {
    overview: async () => PairingOverview.parse(await call('/api/overview')),
    nearby,
    pair: async (deviceId, patientId) => {
      const headers = { ...pinHeaders(), 'content-type': 'application/json' };
      if (!(await nearby(DEFAULT_SCAN_SECONDS)).some((d) => d.deviceId === deviceId)) {
        throw new CommandFailure(
          1,
          `device ${deviceId} was not heard nearby: switch it on, keep it close and try again`,
        );
      }
      const body = JSON.stringify({ deviceId, patientId });
      return PairingResponse.parse(await call('/api/pairings', { method: 'POST', headers, body })).device;
    },
    unpair: async (deviceId) =>
      PairingResponse.parse(
        await call(`/api/pairings/${encodeURIComponent(deviceId)}`, {
          method: 'DELETE',
          headers: pinHeaders(),
        }),
      ).device,
    close: async () => {},
  };
}

/** The adapter and the pairing store, owned by this command while the gateway is not running. */
async function standalone(config: GatewayConfig): Promise<Pairing> {
  const log = pino({ level: 'silent' });
  const pairings = await PairingStore.open({ dataDir: config.dataDir, patientIds: config.patientIds, log });
  let central: BleCentral | undefined;
  let stopDevices = () => {};
  const scan = async (seconds: number): Promise<NearbyDevice[]> => {
    if (!central) {
      const adapter = await openGatewayAdapter(config);
      for (const { device } of adapter.household) device.start();
      stopDevices = () => {
        for (const { device } of adapter.household) device.stop();
      };
      central = new BleCentral({ noble: adapter.noble, sessions: {}, log });
    }
    return central.scan(seconds * 1000);
  };
  const view = (deviceId: string): PairedDeviceView => {
    const device = pairings.device(deviceId);
    if (!device) throw new PairingRefusedError('not_paired', deviceId, 'not paired with this gateway');
    const state = pairings.state(deviceId);
    return {
      ...device,
      connected: false,
      rssi: null,
      batteryPercent: state.batteryPercent,
      lastSeen: state.lastSeen,
      lastReadingAt: state.lastReadingAt,
      collected: config.patientIds.includes(device.patientId),
    };
  };
  return {
    overview: async () => ({
      gatewayId: config.gatewayId,
      patientIds: config.patientIds,
      pairingEnabled: config.pairing.pin !== undefined,
      broker: { connected: false, spooled: 0 },
      devices: pairings.devices().map((d) => view(d.deviceId)),
    }),
    nearby: async (seconds) =>
      (await scan(seconds)).flatMap((d) =>
        d.kind === null
          ? []
          : [
              {
                deviceId: d.id,
                address: d.address,
                name: d.name,
                kind: d.kind,
                rssi: d.rssi,
                pairedTo: pairings.device(d.id)?.patientId ?? null,
              },
            ],
      ),
    pair: async (deviceId, patientId) => {
      const heard = (await scan(DEFAULT_SCAN_SECONDS)).find((d) => d.id === deviceId);
      if (!heard?.kind) {
        throw new CommandFailure(
          1,
          `device ${deviceId} was not heard nearby: switch it on, keep it close and try again`,
        );
      }
      const name = heard.name?.slice(0, 64) ?? null;
      await pairings.pair({ deviceId, address: heard.address, kind: heard.kind, name, patientId });
      return view(deviceId);
    },
    unpair: async (deviceId) => {
      const before = view(deviceId);
      await pairings.unpair(deviceId);
      return before;
    },
    close: async () => {
      await central?.stop();
      stopDevices();
      await pairings.close();
    },
  };
}

async function run(pairing: Pairing, args: readonly string[], now: number): Promise<string> {
  const [command, ...rest] = args;
  if (command === 'list') {
    const o = await pairing.overview();
    const lines = o.devices.map((d) => `  ${pairedLine(d, now)}`);
    return `Devices paired with gateway ${o.gatewayId} (patients ${o.patientIds.join(', ')}):\n${lines.length ? lines.join('\n') : '  none'}\n`;
  }
  if (command === 'scan') {
    const seconds = rest[0] === undefined ? DEFAULT_SCAN_SECONDS : Number(rest[0]);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 15) {
      throw new CommandFailure(2, `scan takes 1 to 15 seconds, not '${rest[0]}'`);
    }
    const devices = await pairing.nearby(seconds);
    const lines = devices.map((d) => `  ${nearbyLine(d)}`);
    return `Health devices heard in ${seconds} s:\n${lines.length ? lines.join('\n') : '  none'}\n`;
  }
  if (command === 'pair' && rest.length === 2) {
    const device = await pairing.pair(deviceIdOf(rest[0] ?? ''), rest[1] ?? '');
    return `Paired: ${DEVICE_KIND_LABELS[device.kind]} ${device.name ?? device.address} (${device.deviceId}) to patient ${device.patientId}\n`;
  }
  if (command === 'unpair' && rest.length === 1) {
    const device = await pairing.unpair(deviceIdOf(rest[0] ?? ''));
    return `Unpaired: ${DEVICE_KIND_LABELS[device.kind]} ${device.name ?? device.address} (${device.deviceId}) of patient ${device.patientId}\n`;
  }
  throw new CommandFailure(2, USAGE);
}

export async function runPairingCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  now: () => number = Date.now,
): Promise<CommandResult> {
  const failure = (exitCode: 1 | 2, message: string): CommandResult => ({
    exitCode,
    stdout: '',
    stderr: `${message}\n`,
  });
  if (!['list', 'scan', 'pair', 'unpair'].includes(args[0] ?? '')) return failure(2, USAGE);
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return failure(2, error.message);
    throw error;
  }
  const [command, , patientId] = args;
  if (command === 'pair' && patientId !== undefined && !config.patientIds.includes(patientId)) {
    return failure(
      1,
      `patient ${patientId} is not one of this gateway's patients (${config.patientIds.join(', ')})`,
    );
  }
  let pairing: Pairing | undefined;
  try {
    pairing = (await runningGateway(config)) ?? (await standalone(config));
    return { exitCode: 0, stdout: await run(pairing, args, now()), stderr: '' };
  } catch (error) {
    if (error instanceof CommandFailure) return failure(error.exitCode, error.message);
    if (
      error instanceof PairingRefusedError ||
      error instanceof BluetoothUnavailableError ||
      error instanceof ConfigError
    ) {
      return failure(1, error.message);
    }
    throw error;
  } finally {
    await pairing?.close();
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const result = await runPairingCommand(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exit(result.exitCode);
}
