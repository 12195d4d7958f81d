import { afterEach, describe, expect, it } from 'vitest';
import { BleCentral, type BleCentralOptions, type CentralTiming, type DeviceSession } from './ble-central.ts';
import type { BleDeviceError } from './ble-errors.ts';
import { AttError, HciStatus } from './bluetooth-codes.ts';
import type { ConnectedDevice } from './connected-device.ts';
import {
  heartRateStrap,
  hex,
  nextEvent,
  pulseOximeter,
  spaced,
  valueRecorder,
  virtualRadio,
} from './test-fixtures.ts';
import { AttErrorResponse, VirtualPeripheral } from './virtual-peripheral.ts';

// Backoff with random() = 0.5 waits 3/4 of the ceiling: 15 ms, then 30, 60, 120 (max 160).
const FAST: CentralTiming = {
  connectTimeoutMs: 100,
  operationTimeoutMs: 300,
  presenceWindowMs: 60_000,
  rssiIntervalMs: 60_000,
  backoff: { initialMs: 20, maxMs: 160 },
};

const running: BleCentral[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((central) => central.stop()));
});

async function startCentral(
  peripherals: readonly VirtualPeripheral[],
  sessions: BleCentralOptions['sessions'] = {},
  timing: Partial<CentralTiming> = {},
) {
  const radio = await virtualRadio(peripherals);
  const central = new BleCentral({
    noble: radio.noble,
    sessions,
    timing: { ...FAST, ...timing },
    random: () => 0.5,
  });
  running.push(central);
  return { central, ...radio };
}

/** A device that only advertises a service, for scanning. */
function advertiser(address: string, name: string, serviceUuid: string, rssi: number): VirtualPeripheral {
  return new VirtualPeripheral({
    address,
    name,
    rssi,
    advertisedServices: [serviceUuid],
    advertisingIntervalMs: 5,
    services: [{ uuid: serviceUuid, characteristics: [] }],
  });
}

/** A glucose-style meter with a record access control point, both behind encryption. */
function recordKeepingMeter(events: string[]): VirtualPeripheral {
  // Glucose Measurement records with sequence numbers 4, 5 and 6 (2026-11-24 08:00, 08:05, 08:10, 100 mg/dL).
  const stored = [
    hex('02 04 00 ea 07 0b 18 08 00 00 64 b0 11'),
    hex('02 05 00 ea 07 0b 18 08 05 00 64 b0 11'),
    hex('02 06 00 ea 07 0b 18 08 0a 00 64 b0 11'),
  ];
  const meter: VirtualPeripheral = new VirtualPeripheral({
    address: 'a4:c1:38:00:00:05',
    name: 'Meter',
    advertisedServices: ['1808'],
    advertisingIntervalMs: 5,
    services: [
      {
        uuid: '1808',
        characteristics: [
          { uuid: '2a18', properties: ['notify'], encrypted: true },
          {
            uuid: '2a52',
            properties: ['write', 'indicate'],
            encrypted: true,
            onWrite: (value) => {
              events.push(`write ${spaced(value)}`);
              if (!meter.isSubscribed('1808', '2a52'))
                return new AttErrorResponse(AttError.cccdImproperlyConfigured);
              // Modelled: "report stored records (01) with sequence number (01) >= (03) n"; other op codes
              // get "response code (06), op code not supported (02)".
              const reportFrom = value[0] === 0x01 && value.length === 5 ? value.readUInt16LE(3) : null;
              setImmediate(async () => {
                if (reportFrom === null)
                  return meter.indicate('1808', '2a52', Buffer.from([0x06, 0x00, value[0] ?? 0, 0x02]));
                for (const record of stored.filter((r) => r.readUInt16LE(1) >= reportFrom)) {
                  meter.notify('1808', '2a18', record);
                }
                await meter.indicate('1808', '2a52', hex('06 00 01 01'));
              });
              return undefined;
            },
          },
        ],
      },
    ],
  });
  meter.on('attError', (r) => events.push(`refused ${r.operation} ${r.characteristicUuid} ${r.code}`));
  meter.on('paired', () => events.push('paired'));
  return meter;
}

describe('BleCentral scanning', () => {
  it('lists nearby devices with the health device kind their services announce, strongest first', async () => {
    const { central } = await startCentral([
      heartRateStrap({ rssi: -50 }),
      pulseOximeter({ rssi: -70 }),
      advertiser('a4:c1:38:00:00:10', 'Meter', '1808', -60),
      advertiser('a4:c1:38:00:00:11', 'CGM', '181f', -80),
      advertiser('a4:c1:38:00:00:12', 'Thermometer', '1809', -85),
      advertiser('a4:c1:38:00:00:13', 'Cycling sensor', '1816', -90),
    ]);
    const nearby = await central.scan(100);
    expect(nearby.map((d) => `${d.name}: ${d.kind} ${d.services.join(',')}`)).toEqual([
      'HR strap: heart_rate 180d',
      'Meter: glucose_meter 1808',
      'Oximeter: pulse_oximeter 1822',
      'CGM: cgm 181f',
      'Thermometer: thermometer 1809',
      'Cycling sensor: null 1816',
    ]);
    expect(nearby[0]).toMatchObject({ id: 'a4c138000001', address: 'a4:c1:38:00:00:01' });
    expect(nearby[0]?.rssi).toBeGreaterThanOrEqual(-52);
    expect(nearby[0]?.rssi).toBeLessThanOrEqual(-48);
  });
});

describe('BleCentral connections', () => {
  it('connects a wanted device, discovers it and hands its session a device to read', async () => {
    const strap = heartRateStrap();
    let seen: (result: string) => void = () => {};
    const sessionResult = new Promise<string>((resolve) => {
      seen = resolve;
    });
    const { central } = await startCentral([strap], {
      heart_rate: async (device) => {
        seen(
          `${device.has('180D', '2a37')} ${device.has('180d', '2a99')} ${spaced(await device.read('180d', '2a38'))}`,
        );
      },
    });
    central.setWantedDevices([{ id: strap.id, kind: 'heart_rate' }]);
    const [status] = await nextEvent(central, 'connected');
    expect(status).toMatchObject({
      deviceId: strap.id,
      kind: 'heart_rate',
      name: 'HR strap',
      connected: true,
    });
    expect(status.lastSeen).toBeInstanceOf(Date);
    expect(await sessionResult).toBe('true false 01');
  });

  it('delivers the exact bytes of each notification to the session, in order', async () => {
    const strap = heartRateStrap();
    const received = valueRecorder();
    const { central } = await startCentral([strap], {
      heart_rate: (device) => device.subscribe('180d', '2a37', received.onValue),
    });
    const subscribed = nextEvent(strap, 'subscribed');
    central.setWantedDevices([{ id: strap.id, kind: 'heart_rate' }]);
    expect(await subscribed).toEqual(['180d', '2a37', 'notification']);
    for (const value of ['06 48', '00 48', '10 48 00 04']) strap.notify('180d', '2a37', hex(value));
    await received.until(3);
    expect(received.values.map(spaced)).toEqual(['06 48', '00 48', '10 48 00 04']);
  });

  it('subscribes an indicate-only characteristic with indications, which the device sees confirmed', async () => {
    const oximeter = pulseOximeter();
    const order: string[] = [];
    const { central } = await startCentral([oximeter], {
      pulse_oximeter: (device) =>
        device.subscribe('1822', '2a5e', (v) => order.push(`session got ${spaced(v)}`)),
    });
    const subscribed = nextEvent(oximeter, 'subscribed');
    central.setWantedDevices([{ id: oximeter.id, kind: 'pulse_oximeter' }]);
    expect(await subscribed).toEqual(['1822', '2a5e', 'indication']);
    order.push(`confirmed ${await oximeter.indicate('1822', '2a5e', hex('00 62 00 48 00'))}`);
    expect(order).toEqual(['session got 00 62 00 48 00', 'confirmed true']);
  });

  it('bonds when a write needs encryption and keeps the bond when the device reconnects', async () => {
    const events: string[] = [];
    const meter = recordKeepingMeter(events);
    let written: () => void = () => {};
    const { central, bindings } = await startCentral([meter], {
      glucose_meter: async (device) => {
        await device.subscribe('1808', '2a52', () => {});
        await device.write('1808', '2a52', hex('04 01'), true);
        written();
      },
    });
    const firstWrite = new Promise<void>((resolve) => {
      written = resolve;
    });
    central.setWantedDevices([{ id: meter.id, kind: 'glucose_meter' }]);
    await firstWrite;
    expect(events).toEqual(['refused subscribe 2a52 5', 'paired', 'write 04 01']);
    expect(bindings.isBonded(meter.id)).toBe(true);

    events.length = 0;
    const secondWrite = new Promise<void>((resolve) => {
      written = resolve;
    });
    meter.disconnect(); // as a meter does after a transfer
    await secondWrite;
    expect(events).toEqual(['write 04 01']);
  });

  it('fetches new glucose records with a record access exchange: records notified, then a response indicated', async () => {
    const events: string[] = [];
    const meter = recordKeepingMeter(events);
    const log = valueRecorder();
    const { central } = await startCentral([meter], {
      glucose_meter: async (device) => {
        await device.subscribe('1808', '2a18', (record) => log.onValue(record));
        await device.subscribe('1808', '2a52', (response) => log.onValue(response));
        await device.write('1808', '2a52', hex('01 03 01 05 00'), true);
      },
    });
    central.setWantedDevices([{ id: meter.id, kind: 'glucose_meter' }]);
    await log.until(3);
    expect(log.values.map(spaced)).toEqual([
      '02 05 00 ea 07 0b 18 08 05 00 64 b0 11',
      '02 06 00 ea 07 0b 18 08 0a 00 64 b0 11',
      '06 00 01 01',
    ]);
    expect(events).toEqual(['refused subscribe 2a18 5', 'paired', 'write 01 03 01 05 00']);
  });

  it('reconnects a device that dropped after a backoff delay and runs its session again', async () => {
    const strap = heartRateStrap();
    const received = valueRecorder();
    const { central } = await startCentral([strap], {
      heart_rate: (device) => device.subscribe('180d', '2a37', received.onValue),
    });
    const scheduled: string[] = [];
    central.on('reconnectScheduled', (id, attempt, delayMs) =>
      scheduled.push(`${id} #${attempt} in ${delayMs} ms`),
    );
    let subscribed = nextEvent(strap, 'subscribed');
    central.setWantedDevices([{ id: strap.id, kind: 'heart_rate' }]);
    await subscribed;
    strap.notify('180d', '2a37', hex('06 48'));
    await received.until(1);

    const dropped = nextEvent(central, 'disconnected');
    subscribed = nextEvent(strap, 'subscribed');
    strap.powerOff(); // battery pulled...
    strap.powerOn(); // ...and put back
    const [status, reason] = await dropped;
    expect(status).toMatchObject({ deviceId: strap.id, connected: false });
    expect(reason).toBe(HciStatus.connectionTimeout);
    await subscribed;
    strap.notify('180d', '2a37', hex('06 49'));
    await received.until(2);
    expect(received.values.map(spaced)).toEqual(['06 48', '06 49']);
    expect(scheduled).toEqual([`${strap.id} #1 in 15 ms`]);
  });

  it('cancels a connection attempt that hangs, backs off longer each time, and connects once the device is back', async () => {
    const strap = heartRateStrap();
    const { central } = await startCentral([strap]);
    const scheduled: number[] = [];
    central.on('reconnectScheduled', (_id, _attempt, delayMs) => scheduled.push(delayMs));
    central.setWantedDevices([{ id: strap.id, kind: 'heart_rate' }]);
    await nextEvent(central, 'connected');

    strap.powerOff();
    const [error] = await nextEvent(central, 'deviceError');
    expect(error).toMatchObject({ deviceId: strap.id, operation: 'connect', failure: 'timeout' });
    expect(error.message).toBe(`device ${strap.id}: connect timed out after 100 ms`);
    expect(scheduled.slice(0, 2)).toEqual([15, 30]);

    const reconnected = nextEvent(central, 'connected');
    strap.powerOn();
    expect((await reconnected)[0]).toMatchObject({ deviceId: strap.id, connected: true });
  });

  it('keeps two devices connected at once, each with its own session', async () => {
    const strap = heartRateStrap();
    const oximeter = pulseOximeter();
    const heartRate = valueRecorder();
    const spo2 = valueRecorder();
    const { central } = await startCentral([strap, oximeter], {
      heart_rate: (device) => device.subscribe('180d', '2a37', heartRate.onValue),
      pulse_oximeter: (device) => device.subscribe('1822', '2a5f', spo2.onValue),
    });
    const both = Promise.all([nextEvent(strap, 'subscribed'), nextEvent(oximeter, 'subscribed')]);
    central.setWantedDevices([
      { id: strap.id, kind: 'heart_rate' },
      { id: oximeter.id, kind: 'pulse_oximeter' },
    ]);
    await both;
    strap.notify('180d', '2a37', hex('00 48'));
    oximeter.notify('1822', '2a5f', hex('00 62 00 48 00'));
    await Promise.all([heartRate.until(1), spo2.until(1)]);
    expect([heartRate.values.map(spaced), spo2.values.map(spaced)]).toEqual([['00 48'], ['00 62 00 48 00']]);
    expect(central.status().map((s) => `${s.deviceId} ${s.connected}`)).toEqual([
      `${strap.id} true`,
      `${oximeter.id} true`,
    ]);
  });

  it('never connects a device that is not wanted', async () => {
    const strap = heartRateStrap();
    const oximeter = pulseOximeter();
    let oximeterConnections = 0;
    oximeter.on('connected', () => oximeterConnections++);
    const { central } = await startCentral([strap, oximeter]);
    central.setWantedDevices([{ id: strap.id, kind: 'heart_rate' }]);
    await nextEvent(central, 'connected');
    const nearby = await central.scan(100);
    expect(nearby.map((d) => d.id)).toEqual([oximeter.id]); // still advertising: nobody connected it
    expect(oximeterConnections).toBe(0);
  });

  it('disconnects a device when it is unpaired and stops trying to reconnect it', async () => {
    const strap = heartRateStrap();
    const { central } = await startCentral([strap]);
    central.setWantedDevices([{ id: strap.id, kind: 'heart_rate' }]);
    await nextEvent(central, 'connected');

    const released = nextEvent(central, 'disconnected');
    const deviceSide = nextEvent(strap, 'disconnected');
    central.setWantedDevices([]);
    expect((await released)[1]).toBe(HciStatus.localHostTerminated);
    expect(await deviceSide).toEqual(['central']);

    let attempts = 0;
    central.on('reconnectScheduled', () => attempts++);
    strap.on('connected', () => attempts++);
    const nearby = await central.scan(100);
    expect(nearby.map((d) => d.id)).toEqual([strap.id]);
    expect(attempts).toBe(0);
    expect(central.status()).toEqual([]);
  });

  it('reports the RSSI of a connected device periodically', async () => {
    const strap = heartRateStrap({ rssi: -75 });
    const { central } = await startCentral([strap], {}, { rssiIntervalMs: 10 });
    central.setWantedDevices([{ id: strap.id, kind: 'heart_rate' }]);
    const [status] = await nextEvent(central, 'rssi');
    expect(status.deviceId).toBe(strap.id);
    expect(status.rssi).toBeGreaterThanOrEqual(-77);
    expect(status.rssi).toBeLessThanOrEqual(-73);
  });
});

describe('BleCentral errors', () => {
  it('names the device, service and characteristic of a failed operation', async () => {
    const strap = heartRateStrap({
      services: [
        {
          uuid: '180d',
          characteristics: [
            { uuid: '2a38', properties: ['read'], onRead: () => hex('01') },
            { uuid: '2a39', properties: ['write'], onWrite: () => new AttErrorResponse(0x80) },
          ],
        },
      ],
    });
    const failures: BleDeviceError[] = [];
    const attempt = async (operation: (device: ConnectedDevice) => Promise<unknown>) => {
      await operation(device).catch((error: BleDeviceError) => failures.push(error));
    };
    let device: ConnectedDevice;
    let finished: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const session: DeviceSession = async (connected) => {
      device = connected;
      await attempt((d) => d.read('180d', '2a99'));
      await attempt((d) => d.write('180d', '2a38', hex('02'), true));
      await attempt((d) => d.write('180d', '2a39', hex('01'), true)); // refused: noble never answers
      finished();
    };
    const { central } = await startCentral([strap], { heart_rate: session });
    central.setWantedDevices([{ id: strap.id, kind: 'heart_rate' }]);
    await done;
    expect(
      failures.map((e) =>
        [e.deviceId, e.operation, e.serviceUuid, e.characteristicUuid, e.failure].join(' '),
      ),
    ).toEqual([
      `${strap.id} read 180d 2a99 not-found`,
      `${strap.id} write 180d 2a38 not-permitted`,
      `${strap.id} write 180d 2a39 timeout`,
    ]);
    expect(failures[2]?.message).toBe(`device ${strap.id}: write 180d/2a39 timed out after 300 ms`);
  });

  it('reports a failed session, disconnects and tries again', async () => {
    const strap = heartRateStrap();
    let runs = 0;
    const { central } = await startCentral([strap], {
      heart_rate: () => {
        runs++;
        if (runs === 1) throw new RangeError('decoder rejected the body sensor location');
      },
    });
    const failed = nextEvent(central, 'deviceError');
    central.setWantedDevices([{ id: strap.id, kind: 'heart_rate' }]);
    const [error] = await failed;
    expect(error).toMatchObject({ deviceId: strap.id, operation: 'session', failure: 'failed' });
    expect(error.cause).toBeInstanceOf(RangeError);
    await nextEvent(central, 'connected');
    expect(runs).toBe(2);
  });
});
