/**
 * Fixtures for the BLE tests: a real noble on the virtual adapter, two small sample devices,
 * hex spelling of bytes and waiting for an event. Not used by the gateway itself.
 */
import type { EventEmitter } from 'node:events';
import { type Noble, nobleWithBindings } from './noble-instance.ts';
import { waitForPoweredOn } from './open-adapter.ts';
import { VirtualBindings, type VirtualBindingsOptions } from './virtual-bindings.ts';
import { VirtualPeripheral, type VirtualPeripheralDefinition } from './virtual-peripheral.ts';

/** `hex('06 48')` -> <Buffer 06 48> */
export function hex(spaced: string): Buffer {
  return Buffer.from(spaced.replaceAll(' ', ''), 'hex');
}

/** `spaced(<Buffer 06 48>)` -> '06 48' */
export function spaced(bytes: Uint8Array): string {
  return Buffer.from(bytes)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
}

export async function virtualRadio(
  peripherals: readonly VirtualPeripheral[],
  options: Omit<VirtualBindingsOptions, 'peripherals'> = {},
): Promise<{ noble: Noble; bindings: VirtualBindings }> {
  const bindings = new VirtualBindings({ supervisionTimeoutMs: 20, ...options, peripherals });
  const noble = nobleWithBindings(bindings);
  await waitForPoweredOn(noble, 1_000);
  return { noble, bindings };
}

/** A heart-rate strap: 180d with 2a37 Heart Rate Measurement (notify) and 2a38 Body Sensor Location (read, chest). */
export function heartRateStrap(overrides: Partial<VirtualPeripheralDefinition> = {}): VirtualPeripheral {
  return new VirtualPeripheral({
    address: 'a4:c1:38:00:00:01',
    name: 'HR strap',
    advertisedServices: ['180d'],
    advertisingIntervalMs: 5,
    services: [
      {
        uuid: '180d',
        characteristics: [
          { uuid: '2a37', properties: ['notify'] },
          { uuid: '2a38', properties: ['read'], onRead: () => hex('01') },
        ],
      },
    ],
    ...overrides,
  });
}

/** A pulse oximeter: 1822 with 2a5e PLX Spot-Check (indicate) and 2a5f PLX Continuous (notify). */
export function pulseOximeter(overrides: Partial<VirtualPeripheralDefinition> = {}): VirtualPeripheral {
  return new VirtualPeripheral({
    address: 'a4:c1:38:00:00:02',
    name: 'Oximeter',
    advertisedServices: ['1822'],
    advertisingIntervalMs: 5,
    rssi: -70,
    services: [
      {
        uuid: '1822',
        characteristics: [
          { uuid: '2a5e', properties: ['indicate'] },
          { uuid: '2a5f', properties: ['notify'] },
        ],
      },
    ],
    ...overrides,
  });
}

/** The arguments of the next `name` event of `emitter` (that satisfies `where`, if given). */
export function nextEvent<T extends Record<keyof T, unknown[]>, K extends keyof T & string>(
  emitter: EventEmitter<T>,
  name: K,
  where: (...args: T[K]) => boolean = () => true,
): Promise<T[K]> {
  const events = emitter as unknown as EventEmitter;
  return new Promise((resolve) => {
    const listener = (...args: unknown[]) => {
      const typed = args as T[K];
      if (!where(...typed)) return;
      events.removeListener(name, listener);
      resolve(typed);
    };
    events.on(name, listener);
  });
}

/** Values received, in order; `until(n)` resolves once `n` have arrived. */
export function valueRecorder() {
  const values: Buffer[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const onValue = (value: Buffer) => {
    values.push(value);
    for (const w of waiting.filter((w) => values.length >= w.count)) w.resolve();
  };
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      if (values.length >= count) resolve();
      else waiting.push({ count, resolve });
    });
  return { values, onValue, until };
}
