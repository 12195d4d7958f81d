/**
 * One simulated connection between the virtual adapter and a virtual peripheral: ATT requests
 * answered one at a time, pairing when the device refuses for security, notifications and
 * confirmed indications, and the three ways a link ends.
 */
import { HciStatus, PAIRING_TRIGGERS } from './bluetooth-codes.ts';
import type {
  AttOutcome,
  CentralLink,
  DisconnectCause,
  SubscriptionMode,
  VirtualPeripheral,
} from './virtual-peripheral.ts';

/** What a connection needs from the adapter that holds it. */
export interface ConnectionHost {
  /** One radio hop: runs `fn` on a later turn of the event loop, never synchronously. */
  hop(fn: () => void): void;
  /** How long the central takes to notice a lost link (the supervision timeout). */
  readonly supervisionTimeoutMs: number;
  isBonded(peripheralId: string): boolean;
  bond(peripheralId: string): void;
  /** A notification or indication reached the central. */
  received(peripheralId: string, serviceUuid: string, characteristicUuid: string, value: Buffer): void;
  /** The link ended; the central hears of it `afterMs` later, with this HCI reason. */
  ended(connection: VirtualConnection, reason: number, afterMs: number): void;
}

export class VirtualConnection implements CentralLink {
  readonly mtu: number;
  encrypted: boolean;
  #open = true;
  #requests: Promise<void> = Promise.resolve();
  #indication: Promise<boolean> | null = null;
  /** Services whose characteristics the central discovered on this connection. */
  readonly #discovered = new Set<string>();

  constructor(
    readonly peripheral: VirtualPeripheral,
    centralMtu: number,
    private readonly host: ConnectionHost,
  ) {
    this.mtu = Math.min(centralMtu, peripheral.mtu);
    // With a bond the link is encrypted again with the stored key; no new pairing.
    this.encrypted = host.isBonded(peripheral.id);
  }

  get open(): boolean {
    return this.#open;
  }

  get bonded(): boolean {
    return this.host.isBonded(this.peripheral.id);
  }

  /**
   * An ATT request: handled after the ones before it, answered on a later hop, never once the
   * link ended. On a security refusal the adapter pairs and sends the request again, as noble's
   * hci-socket does; if pairing fails the request is never answered, as there
   * (lib/hci-socket/gatt.js: onAclStreamEncryptFail does nothing).
   */
  request(exchange: () => Promise<AttOutcome> | AttOutcome, answer: (outcome: AttOutcome) => void): void {
    this.#requests = this.#requests.then(async () => {
      await this.#hop();
      if (!this.#open) return;
      let outcome = await exchange();
      if (!outcome.ok && PAIRING_TRIGGERS.has(outcome.code) && !this.encrypted) {
        if (!(await this.#pair())) return;
        outcome = await exchange();
      }
      await this.#hop();
      if (this.#open) answer(outcome);
    });
  }

  /** The central discovered this service's characteristics: their notifications now reach it. */
  discovered(serviceUuid: string): void {
    this.#discovered.add(serviceUuid);
  }

  send(
    serviceUuid: string,
    characteristicUuid: string,
    value: Buffer,
    mode: SubscriptionMode,
  ): Promise<boolean> {
    if (!this.#open) return Promise.resolve(false);
    const payload = Buffer.from(value.subarray(0, this.mtu - 3));
    if (mode === 'notification') return this.#deliver(serviceUuid, characteristicUuid, payload);
    // One indication outstanding at a time: the next waits for the confirmation of the last.
    const previous = this.#indication;
    const confirmed = previous
      ? previous.then(() => this.#confirmed(serviceUuid, characteristicUuid, payload))
      : this.#confirmed(serviceUuid, characteristicUuid, payload);
    this.#indication = confirmed;
    void confirmed.then(() => {
      if (this.#indication === confirmed) this.#indication = null;
    });
    return confirmed;
  }

  terminate(): void {
    this.#end('device', HciStatus.remoteUserTerminated, 0);
  }

  lose(): void {
    this.#end('link-lost', HciStatus.connectionTimeout, this.host.supervisionTimeoutMs);
  }

  /** The central disconnects. */
  close(): void {
    this.#end('central', HciStatus.localHostTerminated, 0);
  }

  #end(cause: DisconnectCause, reason: number, afterMs: number): void {
    if (!this.#open) return;
    this.#open = false;
    this.peripheral.detach(cause);
    this.host.ended(this, reason, afterMs);
  }

  /** Delivered to the central on the next hop (scheduled now, so sends keep their order). */
  #deliver(serviceUuid: string, characteristicUuid: string, value: Buffer): Promise<boolean> {
    return new Promise((resolve) =>
      this.host.hop(() => {
        if (!this.#open) return resolve(false);
        // noble matches notifications to characteristics it discovered on this connection, and
        // drops the rest (lib/hci-socket/gatt.js onAclStreamData); so does the virtual adapter.
        if (this.#discovered.has(serviceUuid)) {
          this.host.received(this.peripheral.id, serviceUuid, characteristicUuid, value);
        }
        resolve(true);
      }),
    );
  }

  async #confirmed(serviceUuid: string, characteristicUuid: string, value: Buffer): Promise<boolean> {
    if (!(await this.#deliver(serviceUuid, characteristicUuid, value))) return false;
    await this.#hop(); // the central's Handle Value Confirmation
    return this.#open;
  }

  /** "Just works" pairing and bonding, as noble's SMP does it. */
  async #pair(): Promise<boolean> {
    await this.#hop(); // pairing request and response
    if (!this.#open || !this.peripheral.pairable) return false;
    await this.#hop(); // confirm, random, key distribution, LE Start Encryption
    if (!this.#open) return false;
    this.host.bond(this.peripheral.id);
    this.encrypted = true;
    this.peripheral.emit('paired');
    return true;
  }

  #hop(): Promise<void> {
    return new Promise((resolve) => this.host.hop(resolve));
  }
}
