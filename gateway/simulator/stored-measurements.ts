/**
 * The memory of a health device that indicates its measurements (a blood pressure cuff, a
 * weighing scale), kept as their Bluetooth profiles (BLP, WSP) describe it: a measurement taken while no central has indications
 * enabled is stored; once a central enables them, the stored ones are indicated oldest first,
 * one at a time, each waiting for the central's confirmation, and each deleted only once it
 * is confirmed. A measurement taken while a central is subscribed goes out at once (after
 * any older ones still waiting) and stays stored if its confirmation never comes.
 *
 * So the gateway may receive a measurement twice (its indication arrived but the link went
 * before the confirmation), never lose one, and the memory is bounded like a real device's:
 * beyond `capacity` the oldest measurement is overwritten.
 */
import { normalizeUuid } from '../ble/bluetooth-uuid.ts';
import type { VirtualPeripheral } from '../ble/virtual-peripheral.ts';

export interface StoredMeasurementsOptions {
  peripheral: VirtualPeripheral;
  serviceUuid: string;
  /** The measurement characteristic (indicate). */
  characteristicUuid: string;
  capacity: number;
}

export class StoredMeasurements {
  /** Encoded measurements not yet confirmed, oldest first. */
  readonly #waiting: Uint8Array[] = [];
  #sending = false;

  constructor(private readonly o: StoredMeasurementsOptions) {
    const service = normalizeUuid(o.serviceUuid);
    const characteristic = normalizeUuid(o.characteristicUuid);
    o.peripheral.on('subscribed', (serviceUuid, characteristicUuid) => {
      if (serviceUuid === service && characteristicUuid === characteristic) void this.#send();
    });
  }

  /** How many measurements wait for a gateway to confirm them. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** A new measurement: indicated now if a central is subscribed, stored until it is confirmed. */
  add(value: Uint8Array): void {
    this.#waiting.push(value);
    if (this.#waiting.length > this.o.capacity) this.#waiting.shift();
    void this.#send();
  }

  /**
   * Indicates the oldest measurement while a central is subscribed, deleting each once
   * confirmed. An unconfirmed one stays first: the loop ends when the link has gone, or sends
   * it again if a new central subscribed meanwhile.
   */
  async #send(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    const { peripheral, serviceUuid, characteristicUuid } = this.o;
    try {
      for (;;) {
        const oldest = this.#waiting[0];
        if (!oldest || !peripheral.isSubscribed(serviceUuid, characteristicUuid)) return;
        if (await peripheral.indicate(serviceUuid, characteristicUuid, oldest)) {
          const at = this.#waiting.indexOf(oldest); // -1 if overwritten while in flight
          if (at >= 0) this.#waiting.splice(at, 1);
        }
      }
    } finally {
      this.#sending = false;
    }
  }
}
