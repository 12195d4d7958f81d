import { describe, expect, it } from 'vitest';
import { type CentralLink, VirtualPeripheral } from '../ble/virtual-peripheral.ts';
import { StoredMeasurements } from './stored-measurements.ts';

const SERVICE = '1809';
const MEASUREMENT = '2a1c';
const CCCD_INDICATE = 0x0002;

/** A central whose confirmations the test gives (or withholds) one by one. */
class ScriptedCentral implements CentralLink {
  readonly encrypted = false;
  readonly bonded = false;
  readonly mtu = 23;
  /** Every indication received, as its first byte, and how to answer the one outstanding. */
  readonly received: number[] = [];
  #answer: ((confirmed: boolean) => void) | undefined;

  constructor(private readonly peripheral: VirtualPeripheral) {}

  send(_service: string, _characteristic: string, value: Buffer): Promise<boolean> {
    expect(this.#answer).toBeUndefined(); // one indication outstanding at a time
    this.received.push(value[0] ?? -1);
    return new Promise((resolve) => {
      this.#answer = resolve;
    });
  }

  /** The Handle Value Confirmation for the outstanding indication. */
  async confirm(): Promise<void> {
    this.#take()(true);
    await settled();
  }

  /** The link is lost with an indication unconfirmed. */
  async loseLink(): Promise<void> {
    this.peripheral.detach('link-lost');
    this.#take()(false);
    await settled();
  }

  terminate(): void {
    this.peripheral.detach('device');
  }

  lose(): void {
    this.peripheral.detach('link-lost');
  }

  #take(): (confirmed: boolean) => void {
    const answer = this.#answer;
    if (!answer) throw new Error('no indication outstanding');
    this.#answer = undefined;
    return answer;
  }
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

function deviceMemory(capacity: number) {
  const peripheral = new VirtualPeripheral({
    address: 'c5:00:00:00:00:01',
    name: 'Memory test',
    advertisedServices: [SERVICE],
    services: [{ uuid: SERVICE, characteristics: [{ uuid: MEASUREMENT, properties: ['indicate'] }] }],
  });
  const memory = new StoredMeasurements({
    peripheral,
    serviceUuid: SERVICE,
    characteristicUuid: MEASUREMENT,
    capacity,
  });
  const take = (...firstBytes: number[]) => {
    for (const byte of firstBytes) memory.add(Uint8Array.of(byte, 0x00));
  };
  /** A new central connects and enables indications. */
  const subscribe = async () => {
    const central = new ScriptedCentral(peripheral);
    peripheral.attach(central);
    expect(peripheral.writeCccd(SERVICE, MEASUREMENT, CCCD_INDICATE)).toMatchObject({ ok: true });
    await settled();
    return central;
  };
  return { peripheral, take, subscribe };
}

describe('stored measurements', () => {
  it('keeps what was measured unheard and indicates it oldest first, each after the last was confirmed', async () => {
    const { peripheral, take, subscribe } = deviceMemory(10);
    take(1, 2, 3);
    const central = new ScriptedCentral(peripheral);
    peripheral.attach(central);
    await settled();
    expect(central.received).toEqual([]); // connected, but indications not enabled yet
    expect(peripheral.writeCccd(SERVICE, MEASUREMENT, CCCD_INDICATE)).toMatchObject({ ok: true });
    await settled();
    expect(central.received).toEqual([1]);
    await central.confirm();
    expect(central.received).toEqual([1, 2]);
    await central.confirm();
    await central.confirm();
    expect(central.received).toEqual([1, 2, 3]);

    central.terminate();
    const next = await subscribe();
    expect(next.received).toEqual([]); // confirmed ones are gone
  });

  it('keeps a measurement whose confirmation never came, and indicates it first to the next central', async () => {
    const { take, subscribe } = deviceMemory(10);
    take(1, 2);
    const first = await subscribe();
    await first.confirm();
    expect(first.received).toEqual([1, 2]);
    await first.loseLink(); // 2 arrived, its confirmation did not
    take(3);

    const second = await subscribe();
    expect(second.received).toEqual([2]);
    await second.confirm();
    await second.confirm();
    expect(second.received).toEqual([2, 3]);
  });

  it('indicates a measurement taken while subscribed at once, and stores it if unconfirmed', async () => {
    const { take, subscribe } = deviceMemory(10);
    const first = await subscribe();
    take(7);
    await settled();
    expect(first.received).toEqual([7]);
    await first.confirm();
    take(8);
    await first.loseLink();

    const second = await subscribe();
    expect(second.received).toEqual([8]);
  });

  it('holds at most its capacity, the oldest overwritten', async () => {
    const { take, subscribe } = deviceMemory(3);
    take(1, 2, 3, 4, 5);
    const central = await subscribe();
    for (let i = 0; i < 3; i++) await central.confirm();
    expect(central.received).toEqual([3, 4, 5]);
  });
});
