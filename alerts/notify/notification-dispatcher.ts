/**
 * The notification log and its sender. Deliveries (one per event, channel and recipient)
 * are written in the same transaction as the alert event that causes them; this loop then
 * sends what is due, with retries and exponential backoff, and records every failure.
 *
 * - A delivery's id is derived from the event id, channel and recipient, so enqueueing the
 *   same event again (a replay after a restart) adds nothing: nothing is paged twice.
 * - A due delivery is claimed by moving its next attempt a lease ahead (FOR UPDATE SKIP
 *   LOCKED), so two server replicas on one PostgreSQL never send the same one, and a sender
 *   that dies mid-send leaves it to be retried when the lease ends.
 * - Delivery is at least once: a crash between sending and recording "sent" sends again
 *   after the lease. The webhook carries `x-rpm-delivery` so receivers can drop repeats.
 * - Each recipient gets its events in the order they happened (one at a time, in queue
 *   order); different recipients are served in parallel.
 */
import { createHash } from 'node:crypto';
import type { AlertEvent } from '../../common/contract.ts';
import type { Logger } from '../../common/log.ts';
import type { SqlClient } from '../../records/records-db.ts';
import { DeliveryError } from './delivery-error.ts';

export type DurableChannel = 'email' | 'webhook' | 'mqtt';

export interface DeliveryRequest {
  eventId: string;
  channel: DurableChannel;
  /** Email address, webhook URL or MQTT topic. */
  recipient: string;
}

/** Sends one event on one channel; throws DeliveryError (retryable or not). */
export type ChannelSender = (recipient: string, event: AlertEvent, deliveryId: string) => Promise<void>;

export interface DispatcherOptions {
  db: SqlClient;
  senders: Partial<Record<DurableChannel, ChannelSender>>;
  now: () => Date;
  log: Logger;
  minRetryMs?: number;
  maxRetryMs?: number;
  maxAttempts?: number;
  leaseMs?: number;
}

export const deliveryIdOf = (r: DeliveryRequest): string =>
  createHash('sha256').update(`${r.eventId}|${r.channel}|${r.recipient}`).digest('hex').slice(0, 32);

/** Adds deliveries; call inside the transaction that stores the event. */
export async function enqueueDeliveries(
  tx: SqlClient,
  requests: readonly DeliveryRequest[],
  now: Date,
): Promise<void> {
  for (const r of requests) {
    await tx.query(
      `INSERT INTO notification_deliveries (delivery_id, event_id, channel, recipient, status, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, 'pending', $5, $5) ON CONFLICT (delivery_id) DO NOTHING`,
      [deliveryIdOf(r), r.eventId, r.channel, r.recipient, now],
    );
  }
}

interface DueRow {
  delivery_id: string;
  seq: string;
  channel: DurableChannel;
  recipient: string;
  attempts: number;
  event: AlertEvent;
}

export interface DeliveryRecord {
  deliveryId: string;
  eventId: string;
  channel: string;
  recipient: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
}

export async function listDeliveries(db: SqlClient, eventId?: string): Promise<DeliveryRecord[]> {
  const rows = await db.query<{
    delivery_id: string;
    event_id: string;
    channel: string;
    recipient: string;
    status: DeliveryRecord['status'];
    attempts: number;
    last_error: string | null;
  }>(
    `SELECT * FROM notification_deliveries ${eventId ? 'WHERE event_id = $1' : ''} ORDER BY created_at, channel, recipient`,
    eventId ? [eventId] : [],
  );
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    eventId: r.event_id,
    channel: r.channel,
    recipient: r.recipient,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
  }));
}

export class NotificationDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;
  private readonly maxAttempts: number;
  private readonly leaseMs: number;

  constructor(private readonly o: DispatcherOptions) {
    this.minRetryMs = o.minRetryMs ?? 5_000;
    this.maxRetryMs = o.maxRetryMs ?? 15 * 60_000;
    this.maxAttempts = o.maxAttempts ?? 12;
    this.leaseMs = o.leaseMs ?? 2 * 60_000;
  }

  /** Sends everything due now, once. Returns how many deliveries were attempted. */
  async deliverDue(batch = 20): Promise<number> {
    const now = this.o.now();
    const due = await this.o.db.query<DueRow>(
      `UPDATE notification_deliveries d SET next_attempt_at = $2
       FROM alert_events e
       WHERE e.event_id = d.event_id AND d.delivery_id IN (
         SELECT delivery_id FROM notification_deliveries
         WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING d.delivery_id, d.seq, d.channel, d.recipient, d.attempts, e.event`,
      [now, new Date(now.getTime() + this.leaseMs), batch],
    );
    const byRecipient = new Map<string, DueRow[]>();
    for (const row of due.sort((a, b) => Number(a.seq) - Number(b.seq))) {
      const key = `${row.channel}|${row.recipient}`;
      byRecipient.set(key, [...(byRecipient.get(key) ?? []), row]);
    }
    await Promise.all(
      [...byRecipient.values()].map(async (rows) => {
        for (const row of rows) await this.attempt(row);
      }),
    );
    return due.length;
  }

  private async attempt(row: DueRow): Promise<void> {
    const sender = this.o.senders[row.channel];
    const attempts = row.attempts + 1;
    const context = {
      deliveryId: row.delivery_id,
      channel: row.channel,
      alertId: row.event.alertId,
      eventId: row.event.eventId,
      attempts,
    };
    try {
      if (!sender) throw new DeliveryError(row.channel, false, 'this channel is not configured');
      await sender(row.recipient, row.event, row.delivery_id);
      await this.o.db.query(
        `UPDATE notification_deliveries SET status = 'sent', attempts = $2, sent_at = $3, last_error = NULL
         WHERE delivery_id = $1`,
        [row.delivery_id, attempts, this.o.now()],
      );
      this.o.log.info(context, 'notification sent');
    } catch (err) {
      const retryable = err instanceof DeliveryError ? err.retryable : true;
      const giveUp = !retryable || attempts >= this.maxAttempts;
      const delay = Math.min(this.minRetryMs * 2 ** (attempts - 1), this.maxRetryMs);
      await this.o.db.query(
        `UPDATE notification_deliveries SET status = $2, attempts = $3, last_error = $4, next_attempt_at = $5
         WHERE delivery_id = $1`,
        [
          row.delivery_id,
          giveUp ? 'failed' : 'pending',
          attempts,
          (err as Error).message.slice(0, 1000),
          new Date(this.o.now().getTime() + delay),
        ],
      );
      this.o.log[giveUp ? 'error' : 'warn'](
        { ...context, err: (err as Error).message },
        giveUp ? 'notification failed; giving up' : `notification failed; retrying in ${delay} ms`,
      );
    }
  }

  /** Delivers now (e.g. right after new events) instead of at the next poll. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          while ((await this.deliverDue()) > 0) {}
        } catch (err) {
          this.o.log.error({ err: (err as Error).message }, 'notification dispatcher failed; will retry');
        }
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
  }

  start(pollMs = 1000): void {
    this.timer = setInterval(() => this.kick(), pollMs);
    this.kick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
