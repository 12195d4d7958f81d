/**
 * The noble instance for the gateway's `ble.mode`:
 * - `adapter`: the machine's Bluetooth through noble's platform bindings, loaded only here (noble
 *   opens the HCI socket when it is required), ready once the adapter reports poweredOn;
 * - `virtual`: noble over `VirtualBindings` with the given simulated devices.
 * When the adapter cannot be used, `BluetoothUnavailableError` says what is wrong and what to do.
 *
 * Call it before installing the gateway's own SIGINT handler: noble's hci-socket bindings add
 * one at init that exits the process if it is the last SIGINT listener (bindings.js onSigInt).
 */
import type { GatewayConfig } from '../config.ts';
import { type Noble, nobleWithBindings, systemNoble } from './noble-instance.ts';
import { VirtualBindings, type VirtualBindingsOptions } from './virtual-bindings.ts';

export type BluetoothProblem =
  | 'no-kernel-support'
  | 'no-native-module'
  | 'unauthorized'
  | 'unsupported'
  | 'not-powered';

const REMEDY: Record<BluetoothProblem, string> = {
  'no-kernel-support':
    'Run the gateway on a machine with a Bluetooth LE adapter (built in, or a USB dongle) and a kernel with ' +
    'Bluetooth enabled (module "bluetooth"); in a container, use --network=host.',
  'no-native-module':
    'Build noble\'s native module: "npm rebuild @abandonware/bluetooth-hci-socket" (needs python3, make, a C++ ' +
    'compiler and libbluetooth-dev; npm may skip install scripts unless they are allowed).',
  unauthorized:
    'Run the gateway as root, or let node open raw Bluetooth sockets: ' +
    '"sudo setcap cap_net_raw,cap_net_admin+eip $(readlink -f $(which node))".',
  unsupported:
    'Use a Bluetooth 4.0 (Low Energy) adapter; with several adapters, pick one with NOBLE_HCI_DEVICE_ID=<n> (hci<n>).',
  'not-powered':
    'Check that an adapter is present ("bluetoothctl list"), not blocked ("rfkill unblock bluetooth") and ' +
    'powered ("bluetoothctl power on"), and that the gateway may use it (root or cap_net_raw,cap_net_admin).',
};

export class BluetoothUnavailableError extends Error {
  constructor(
    readonly problem: BluetoothProblem,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(
      `Bluetooth is not available: ${detail}.\n${REMEDY[problem]}\nTo run with simulated devices instead, set RPM_BLE_MODE=virtual.`,
      options,
    );
    this.name = 'BluetoothUnavailableError';
  }
}

export interface OpenAdapterOptions extends Omit<VirtualBindingsOptions, 'state'> {
  /** How long the adapter may take to report poweredOn (default 10 s). */
  poweredOnTimeoutMs?: number;
}

export async function openAdapter(
  ble: GatewayConfig['ble'],
  options: OpenAdapterOptions = {},
): Promise<Noble> {
  const noble = ble.mode === 'virtual' ? nobleWithBindings(new VirtualBindings(options)) : loadSystemNoble();
  await waitForPoweredOn(noble, options.poweredOnTimeoutMs ?? 10_000);
  return noble;
}

/** Resolves when `noble`'s adapter is powered on; rejects when it says it cannot be, or stays silent too long. */
export function waitForPoweredOn(noble: Noble, timeoutMs: number): Promise<void> {
  if (noble._state === 'poweredOn') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastState: string = noble._state;
    const finish = (error?: BluetoothUnavailableError) => {
      clearTimeout(timer);
      noble.removeListener('stateChange', onState);
      noble.removeListener('warning', onWarning);
      if (error) reject(error);
      else resolve();
    };
    const onState = (state: string) => {
      lastState = state;
      if (state === 'poweredOn') finish();
      if (state === 'unauthorized')
        finish(new BluetoothUnavailableError('unauthorized', 'the adapter refused access'));
      if (state === 'unsupported') {
        finish(
          new BluetoothUnavailableError('unsupported', 'the adapter does not support Bluetooth Low Energy'),
        );
      }
    };
    // noble reports a failed init of its bindings only as a warning (lib/noble.js, newListener).
    const onWarning = (message: string) => {
      if (message.startsWith('Initialization')) finish(new BluetoothUnavailableError('not-powered', message));
    };
    const timer = setTimeout(
      () =>
        finish(
          new BluetoothUnavailableError(
            'not-powered',
            `the adapter did not power on within ${timeoutMs} ms (last state: ${lastState})`,
          ),
        ),
      timeoutMs,
    );
    noble.on('warning', onWarning);
    noble.on('stateChange', onState); // the first stateChange listener starts noble's bindings
  });
}

function loadSystemNoble(): Noble {
  try {
    return systemNoble();
  } catch (error) {
    throw new BluetoothUnavailableError(...problemOf(error), { cause: error });
  }
}

function problemOf(error: unknown): [BluetoothProblem, string] {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EAFNOSUPPORT')
    return ['no-kernel-support', "this machine's kernel has no Bluetooth sockets (EAFNOSUPPORT)"];
  if (code === 'EPERM' || code === 'EACCES')
    return ['unauthorized', `opening the Bluetooth socket was refused (${code})`];
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_DLOPEN_FAILED') {
    return ['no-native-module', `noble's native Bluetooth module could not be loaded (${message})`];
  }
  return ['no-kernel-support', `noble could not open the Bluetooth adapter (${message})`];
}
