import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { HciStatus } from './bluetooth-codes.ts';
import type { Characteristic, Noble, Peripheral } from './noble-instance.ts';
import { heartRateStrap, hex, nextEvent, pulseOximeter, spaced, virtualRadio } from './test-fixtures.ts';
import { AttErrorResponse, VirtualPeripheral } from './virtual-peripheral.ts';

// These tests drive noble's own Peripheral/Characteristic code over the virtual adapter.

let stopScanning: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopScanning?.();
  stopScanning = undefined;
});

async function found(noble: Noble, id: string): Promise<Peripheral> {
  const heard = new Promise<Peripheral>((resolve) => {
    const listener = (p: Peripheral) => {
      if (p.id !== id) return;
      noble.removeListener('discover', listener);
      resolve(p);
    };
    noble.on('discover', listener);
  });
  await noble.startScanningAsync([], false);
  const peripheral = await heard;
  await noble.stopScanningAsync();
  return peripheral;
}

async function connected(noble: Noble, device: VirtualPeripheral): Promise<Peripheral> {
  const peripheral = await found(noble, device.id);
  await peripheral.connectAsync();
  await peripheral.discoverAllServicesAndCharacteristicsAsync();
  return peripheral;
}

/** Resolves when `characteristic` delivers the value spelled `expected`. */
function valueReceived(characteristic: Characteristic, expected: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (data: Buffer) => {
      if (spaced(data) !== expected) return;
      characteristic.removeListener('data', listener);
      resolve();
    };
    characteristic.on('data', listener);
  });
}

function characteristicOf(peripheral: Peripheral, serviceUuid: string, characteristicUuid: string) {
  const service = peripheral.services.find((s) => s.uuid === serviceUuid);
  const characteristic = service?.characteristics.find((c) => c.uuid === characteristicUuid);
  if (!characteristic) throw new Error(`test setup: ${serviceUuid}/${characteristicUuid} not discovered`);
  return characteristic;
}

/** A glucose-style service whose record access control point needs an encrypted link. */
function securedMeter(received: string[], pairable = true): VirtualPeripheral {
  return new VirtualPeripheral({
    address: 'a4:c1:38:00:00:03',
    name: 'Meter',
    advertisedServices: ['1808'],
    advertisingIntervalMs: 5,
    pairable,
    services: [
      {
        uuid: '1808',
        characteristics: [
          {
            uuid: '2a52',
            properties: ['write', 'indicate'],
            encrypted: true,
            onWrite: (value) => {
              received.push(`write ${spaced(value)}`);
            },
          },
        ],
      },
    ],
  });
}

describe('scanning the virtual adapter with noble', () => {
  it('hears the local name, services, manufacturer data and an RSSI within 2 dBm of the signal strength', async () => {
    const strap = heartRateStrap({ rssi: -58, manufacturerData: hex('59 00 01 02') });
    const { noble } = await virtualRadio([strap, pulseOximeter()]);
    const peripheral = await found(noble, strap.id);
    expect(peripheral.address).toBe('a4:c1:38:00:00:01');
    expect(peripheral.advertisement.localName).toBe('HR strap');
    expect(peripheral.advertisement.serviceUuids).toEqual(['180d']);
    expect(spaced(peripheral.advertisement.manufacturerData)).toBe('59 00 01 02');
    expect(peripheral.rssi).toBeGreaterThanOrEqual(-60);
    expect(peripheral.rssi).toBeLessThanOrEqual(-56);
  });

  it('reports a device once per scan, or on every advertisement when duplicates are allowed', async () => {
    const strap = heartRateStrap();
    const { noble, bindings } = await virtualRadio([strap]);
    let reports = 0;
    bindings.on('discover', () => reports++);
    await noble.startScanningAsync([], false);
    await sleep(strap.advertisingIntervalMs * 10);
    await noble.stopScanningAsync();
    expect(reports).toBe(1);

    await noble.startScanningAsync([], true);
    stopScanning = () => noble.stopScanningAsync();
    for (let n = 0; n < 3; n++) await nextEvent(bindings, 'discover');
    expect(reports).toBe(4);
  });

  it('reports only devices advertising one of the services asked for', async () => {
    const strap = heartRateStrap();
    const oximeter = pulseOximeter();
    const { noble, bindings } = await virtualRadio([strap, oximeter]);
    const heard: string[] = [];
    noble.on('discover', (p: Peripheral) => heard.push(p.id));
    await noble.startScanningAsync(['1822'], true);
    stopScanning = () => noble.stopScanningAsync();
    for (let n = 0; n < 5; n++) await nextEvent(bindings, 'discover');
    expect(new Set(heard)).toEqual(new Set([oximeter.id])); // both advertise every 5 ms
  });
});

describe('connections of the virtual adapter through noble', () => {
  it('connects, agrees the MTU, discovers services with their properties and reads a value', async () => {
    const strap = heartRateStrap({ mtu: 185 });
    const { noble, bindings } = await virtualRadio([strap]);
    const mtu = nextEvent(bindings, 'onMtu');
    const peripheral = await connected(noble, strap);
    expect(await mtu).toEqual([strap.id, 185]);
    expect(strap.connected).toBe(true);
    const characteristics = peripheral.services.flatMap((s) =>
      s.characteristics.map((c) => `${s.uuid}/${c.uuid} ${c.properties.join(',')}`),
    );
    expect(characteristics).toEqual(['180d/2a37 notify', '180d/2a38 read']);
    expect(spaced(await characteristicOf(peripheral, '180d', '2a38').readAsync())).toBe('01');
  });

  it('delivers notifications byte for byte, in the order the device sent them', async () => {
    const strap = heartRateStrap();
    const { noble } = await virtualRadio([strap]);
    const measurement = characteristicOf(await connected(noble, strap), '180d', '2a37');
    const received: string[] = [];
    measurement.on('data', (data: Buffer, isNotification: boolean) =>
      received.push(`${isNotification} ${spaced(data)}`),
    );
    expect(strap.notify('180d', '2a37', hex('06 48'))).toBe(false); // not subscribed yet
    await measurement.subscribeAsync();
    expect(strap.isSubscribed('180d', '2a37')).toBe(true);
    for (const value of ['06 48', '06 49', '10 48 00 04']) strap.notify('180d', '2a37', hex(value));
    await valueReceived(measurement, '10 48 00 04');
    expect(received).toEqual(['true 06 48', 'true 06 49', 'true 10 48 00 04']);
  });

  it('cuts a notification to ATT_MTU - 3 bytes', async () => {
    const strap = heartRateStrap({ mtu: 23 });
    const { noble } = await virtualRadio([strap]);
    const measurement = characteristicOf(await connected(noble, strap), '180d', '2a37');
    await measurement.subscribeAsync();
    const value = once(measurement, 'data');
    strap.notify('180d', '2a37', Buffer.alloc(30, 0x11));
    const [data] = (await value) as [Buffer];
    expect(data).toHaveLength(20);
  });

  it('resolves an indication on the device only after the central received it', async () => {
    const oximeter = pulseOximeter();
    const { noble } = await virtualRadio([oximeter]);
    const spotCheck = characteristicOf(await connected(noble, oximeter), '1822', '2a5e');
    const order: string[] = [];
    spotCheck.on('data', (data: Buffer) => order.push(`central received ${spaced(data)}`));
    await spotCheck.subscribeAsync();
    const confirmed = await oximeter.indicate('1822', '2a5e', hex('00 62 00 48 00'));
    order.push(`device confirmed: ${confirmed}`);
    expect(order).toEqual(['central received 00 62 00 48 00', 'device confirmed: true']);
  });

  it('refuses a write that needs encryption, pairs, writes, and needs no pairing on the next connection', async () => {
    const events: string[] = [];
    const meter = securedMeter(events);
    meter.on('attError', (r) =>
      events.push(`refused ${r.operation} ${r.serviceUuid}/${r.characteristicUuid} ${r.code}`),
    );
    meter.on('paired', () => events.push('paired'));
    const { noble, bindings } = await virtualRadio([meter]);
    const peripheral = await connected(noble, meter);
    await characteristicOf(peripheral, '1808', '2a52').writeAsync(hex('04 01'), false);
    expect(events).toEqual(['refused write 1808/2a52 5', 'paired', 'write 04 01']);
    expect(bindings.isBonded(meter.id)).toBe(true);

    await peripheral.disconnectAsync();
    events.length = 0;
    await connected(noble, meter);
    await characteristicOf(peripheral, '1808', '2a52').writeAsync(hex('04 01'), false);
    expect(events).toEqual(['write 04 01']);

    await peripheral.disconnectAsync();
    bindings.forgetBond(meter.id);
    events.length = 0;
    await connected(noble, meter);
    await characteristicOf(peripheral, '1808', '2a52').writeAsync(hex('04 01'), false);
    expect(events).toEqual(['refused write 1808/2a52 5', 'paired', 'write 04 01']);
  });

  it('leaves the request unanswered when the device refuses to pair, as noble does', async () => {
    const events: string[] = [];
    const meter = securedMeter(events, false);
    meter.on('attError', (r) => events.push(`refused ${r.code}`));
    const { noble } = await virtualRadio([meter]);
    const point = characteristicOf(await connected(noble, meter), '1808', '2a52');
    const write = point.writeAsync(hex('04 01'), false).then(() => 'answered');
    const outcome = await Promise.race([write, sleep(50).then(() => 'unanswered')]);
    expect(outcome).toBe('unanswered');
    expect(events).toEqual(['refused 5']);
  });

  it("answers a handler's refused read with an empty value and never answers its refused write", async () => {
    const device = new VirtualPeripheral({
      address: 'a4:c1:38:00:00:04',
      name: 'Refuser',
      advertisedServices: ['180f'],
      advertisingIntervalMs: 5,
      services: [
        {
          uuid: '180f',
          characteristics: [
            {
              uuid: '2a19',
              properties: ['read', 'write'],
              onRead: () => new AttErrorResponse(0x80),
              onWrite: () => new AttErrorResponse(0x80),
            },
          ],
        },
      ],
    });
    const refusals: number[] = [];
    device.on('attError', (r) => refusals.push(r.code));
    const { noble } = await virtualRadio([device]);
    const level = characteristicOf(await connected(noble, device), '180f', '2a19');
    expect(await level.readAsync()).toHaveLength(0);
    const write = level.writeAsync(hex('01'), false).then(() => 'answered');
    expect(await Promise.race([write, sleep(50).then(() => 'unanswered')])).toBe('unanswered');
    expect(refusals).toEqual([0x80, 0x80]);
  });

  it('keeps subscriptions across connections for a bonded central only', async () => {
    const strap = heartRateStrap();
    const { noble, bindings } = await virtualRadio([strap]);
    const peripheral = await connected(noble, strap);
    await characteristicOf(peripheral, '180d', '2a37').subscribeAsync();
    await peripheral.disconnectAsync();
    await connected(noble, strap);
    expect(strap.isSubscribed('180d', '2a37')).toBe(false);

    bindings.bond(strap.id);
    await characteristicOf(peripheral, '180d', '2a37').subscribeAsync();
    await peripheral.disconnectAsync();
    const resubscribed = nextEvent(strap, 'subscribed');
    await connected(noble, strap);
    expect(await resubscribed).toEqual(['180d', '2a37', 'notification']);
    expect(strap.isSubscribed('180d', '2a37')).toBe(true);
  });

  it("enables indications through the CCCD with noble's descriptor API", async () => {
    const oximeter = pulseOximeter();
    const { noble } = await virtualRadio([oximeter]);
    const spotCheck = characteristicOf(await connected(noble, oximeter), '1822', '2a5e');
    const [cccd] = await spotCheck.discoverDescriptorsAsync();
    expect(cccd?.uuid).toBe('2902');
    await cccd?.writeValueAsync(hex('02 00'));
    expect(spaced((await cccd?.readValueAsync()) ?? Buffer.alloc(0))).toBe('02 00');
    expect(oximeter.isSubscribed('1822', '2a5e')).toBe(true);
  });

  it('reports a lost link as 0x08 after the supervision timeout, a device disconnect as 0x13', async () => {
    const strap = heartRateStrap();
    const { noble } = await virtualRadio([strap], { supervisionTimeoutMs: 30 });
    const peripheral = await connected(noble, strap);
    const causes: string[] = [];
    strap.on('disconnected', (cause) => causes.push(cause));

    const lost = once(peripheral, 'disconnect');
    strap.moveOutOfRange();
    expect(await lost).toEqual([HciStatus.connectionTimeout]);

    strap.moveIntoRange();
    await connected(noble, strap);
    const ended = once(peripheral, 'disconnect');
    strap.disconnect();
    expect(await ended).toEqual([HciStatus.remoteUserTerminated]);

    await connected(noble, strap);
    await peripheral.disconnectAsync();
    expect(causes).toEqual(['link-lost', 'device', 'central']);
  });

  it('holds a connection attempt until the device advertises again, and fails it with 0x02 when cancelled', async () => {
    const strap = heartRateStrap();
    const { noble, bindings } = await virtualRadio([strap]);
    const peripheral = await found(noble, strap.id);
    strap.powerOff();
    const connecting = peripheral.connectAsync();
    await sleep(strap.advertisingIntervalMs * 5);
    expect(strap.connected).toBe(false);
    strap.powerOn();
    await connecting;
    expect(strap.connected).toBe(true);
    await peripheral.disconnectAsync();

    strap.moveOutOfRange();
    const answer = nextEvent(bindings, 'connect');
    peripheral.connect();
    peripheral.cancelConnect();
    const [id, error] = await answer;
    expect(id).toBe(strap.id);
    expect(error?.message).toBe('Unknown Connection Identifier (0x2)');
  });
});
