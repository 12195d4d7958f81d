import { describe, expect, it } from 'vitest';
import { AttError } from './bluetooth-codes.ts';
import { heartRateStrap, hex, nextEvent, pulseOximeter, virtualRadio } from './test-fixtures.ts';
import { VirtualPeripheral, VirtualPeripheralDefinitionError } from './virtual-peripheral.ts';

describe('VirtualPeripheral definitions', () => {
  it('refuses a readable characteristic without a read handler, naming device and characteristic', () => {
    const define = () =>
      new VirtualPeripheral({
        address: 'A4:C1:38:00:00:09',
        name: 'Broken',
        advertisedServices: ['180F'],
        services: [{ uuid: '180F', characteristics: [{ uuid: '2A19', properties: ['read'] }] }],
      });
    expect(define).toThrow(VirtualPeripheralDefinitionError);
    expect(define).toThrow('virtual peripheral a4:c1:38:00:00:09: 180f/2a19 is readable but has no onRead');
  });

  it('refuses an address that is not a Bluetooth address', () => {
    expect(() => heartRateStrap({ address: 'strap-1' })).toThrow('address must look like aa:bb:cc:dd:ee:ff');
  });

  it('takes its noble id from the address and normalizes UUIDs', () => {
    const strap = heartRateStrap({ address: 'A4:C1:38:00:00:0A', advertisedServices: ['180D'] });
    expect([strap.id, strap.address, strap.advertisedServices]).toEqual([
      'a4c13800000a',
      'a4:c1:38:00:00:0a',
      ['180d'],
    ]);
  });

  it('treats sending on a characteristic without that property as a model bug', () => {
    expect(() => heartRateStrap().notify('180d', '2a38', hex('01'))).toThrow(
      '180d/2a38 has no notify property',
    );
  });
});

describe('VirtualPeripheral handlers', () => {
  it('answers Unlikely Error when a handler throws, and reports the bug on "error"', async () => {
    const bug = new TypeError('model bug');
    const device = new VirtualPeripheral({
      address: 'a4:c1:38:00:00:0b',
      name: 'Buggy',
      advertisedServices: ['180f'],
      services: [
        {
          uuid: '180f',
          characteristics: [
            {
              uuid: '2a19',
              properties: ['read'],
              onRead: () => {
                throw bug;
              },
            },
          ],
        },
      ],
    });
    const reported = nextEvent(device, 'error');
    expect(await device.read('180f', '2a19')).toEqual({ ok: false, code: AttError.unlikelyError });
    expect(await reported).toEqual([bug]);
  });

  it('resolves an unconfirmed indication false when the link is lost', async () => {
    const oximeter = pulseOximeter();
    const { noble } = await virtualRadio([oximeter]);
    const found = new Promise<void>((resolve) =>
      noble.once('discover', async (p) => {
        await noble.stopScanningAsync();
        await p.connectAsync();
        const [service] = await p.discoverServicesAsync(['1822']);
        const [spotCheck] = (await service?.discoverCharacteristicsAsync(['2a5e'])) ?? [];
        await spotCheck?.subscribeAsync();
        resolve();
      }),
    );
    await noble.startScanningAsync([], false);
    await found;
    const confirmation = oximeter.indicate('1822', '2a5e', hex('00 62 00 48 00'));
    oximeter.powerOff();
    expect(await confirmation).toBe(false);
    expect(await oximeter.indicate('1822', '2a5e', hex('00 62 00 48 00'))).toBe(false);
  });
});
