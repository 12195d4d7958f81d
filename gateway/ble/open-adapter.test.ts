import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nobleWithBindings } from './noble-instance.ts';
import { BluetoothUnavailableError, openAdapter, waitForPoweredOn } from './open-adapter.ts';
import { heartRateStrap } from './test-fixtures.ts';
import { VirtualBindings } from './virtual-bindings.ts';

const kernelHasBluetooth = existsSync('/sys/class/bluetooth');

describe('openAdapter', () => {
  it.skipIf(kernelHasBluetooth)(
    'on a machine without Bluetooth, says what is missing and how to run with simulated devices',
    async () => {
      const error = await openAdapter({ mode: 'adapter' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BluetoothUnavailableError);
      expect(error).toMatchObject({ problem: 'no-kernel-support' });
      const message = error instanceof Error ? error.message : '';
      expect(message).toContain("this machine's kernel has no Bluetooth sockets (EAFNOSUPPORT)");
      expect(message).toContain('set RPM_BLE_MODE=virtual');
    },
  );

  it('in virtual mode, gives a powered-on noble that hears the simulated devices', async () => {
    const strap = heartRateStrap();
    const noble = await openAdapter({ mode: 'virtual' }, { peripherals: [strap] });
    const heard = new Promise<string>((resolve) =>
      noble.once('discover', (p) => resolve(p.advertisement.localName)),
    );
    await noble.startScanningAsync([], false);
    expect(await heard).toBe('HR strap');
    await noble.stopScanningAsync();
  });
});

describe('waitForPoweredOn', () => {
  it.each([
    ['unauthorized', 'unauthorized', 'cap_net_raw'],
    ['unsupported', 'unsupported', 'Bluetooth 4.0'],
  ] as const)('rejects an adapter that reports %s, with the remedy', async (state, problem, remedy) => {
    const noble = nobleWithBindings(new VirtualBindings({ state }));
    const error = await waitForPoweredOn(noble, 1_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ problem });
    expect(error instanceof Error ? error.message : '').toContain(remedy);
  });

  it('gives up on an adapter that stays powered off, naming its last state', async () => {
    const noble = nobleWithBindings(new VirtualBindings({ state: 'poweredOff' }));
    const error = await waitForPoweredOn(noble, 30).catch((e: unknown) => e);
    expect(error).toMatchObject({ problem: 'not-powered' });
    expect(error instanceof Error ? error.message : '').toContain(
      'the adapter did not power on within 30 ms (last state: poweredOff)',
    );
  });
});
