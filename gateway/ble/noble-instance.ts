/**
 * Where noble comes from. noble is CommonJS and its index.js opens the machine's Bluetooth
 * socket as soon as it is required (it throws EAFNOSUPPORT where the kernel has no Bluetooth),
 * so it is loaded lazily, through `require`, and only when the real adapter is wanted.
 * `@abandonware/noble/with-bindings` builds the same Noble on any bindings object.
 */
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type * as NobleModule from '@abandonware/noble';

/** A noble instance (the module's default export, or one built on other bindings). */
export type Noble = typeof NobleModule;
export type { Characteristic, Peripheral } from '@abandonware/noble';

const require = createRequire(import.meta.url);

export function nobleWithBindings(bindings: EventEmitter): Noble {
  const create: (bindings: EventEmitter) => Noble = require('@abandonware/noble/with-bindings');
  return create(bindings);
}

/** The machine's adapter through noble's platform bindings (hci-socket on Linux). Throws when it cannot open it. */
export function systemNoble(): Noble {
  return require('@abandonware/noble');
}
