import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertEmailText } from '../alerts/notify/alert-email-text.ts';
import { DeliveryError } from '../alerts/notify/delivery-error.ts';
import { createEmailSender, type EmailSender } from '../alerts/notify/email-sender.ts';
import {
  enqueueDeliveries,
  listDeliveries,
  NotificationDispatcher,
} from '../alerts/notify/notification-dispatcher.ts';
import { sendWebhook } from '../alerts/notify/webhook-sender.ts';
import { verifyWebhook } from '../alerts/notify/webhook-signature.ts';
import { type AlertEvent, AlertEvent as AlertEventSchema } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import { openRecordsDb, type RecordsDb } from '../records/records-db.ts';
import { freshDataDir } from './helpers.ts';
import { startPostgres } from './postgres.ts';
import { type SmtpCapture, startSmtpCapture } from './smtp-capture.ts';

const SECRET = 'webhook-secret-for-the-test';

const event = (n: number): AlertEvent =>
  AlertEventSchema.parse({
    alertId: `alert-${n}`,
    eventId: `alert-${n}:fired:1`,
    type: 'fired',
    patientId: 'P-1001',
    ruleId: 'diabetes.hypo_l2',
    severity: 'critical',
    metric: 'glucose',
    value: 48,
    unit: 'mg/dL',
    message: 'Glucose below 54 mg/dL (level 2 hypoglycaemia)',
    at: '2026-11-24T22:10:00.000Z',
  });

async function storeEvent(db: RecordsDb, e: AlertEvent): Promise<void> {
  await db.query(
    'INSERT INTO alert_events (event_id, alert_id, patient_id, type, at, event) VALUES ($1, $2, $3, $4, $5, $6)',
    [e.eventId, e.alertId, e.patientId, e.type, e.at, e],
  );
}

describe('notification channels and their delivery log', () => {
  let db: RecordsDb;
  let smtp: SmtpCapture;
  let email: EmailSender;
  let webhook: Server;
  let webhookUrl: string;
  const received: { body: string; verified: boolean; delivery: string }[] = [];
  let webhookAnswers: number[] = [];
  let clock = new Date('2026-11-24T22:10:00Z');

  const dispatcher = () =>
    new NotificationDispatcher({
      db,
      now: () => clock,
      log: createLogger('test', 'silent'),
      minRetryMs: 1000,
      maxAttempts: 3,
      senders: {
        email: async (to, e) => {
          const { subject, text } = alertEmailText(e, {
            timeZone: 'Asia/Karachi',
            dashboardUrl: 'https://rpm.example',
          });
          await email.send(to, subject, text);
        },
        webhook: (url, e, deliveryId) =>
          sendWebhook(
            { url, secret: SECRET, timeoutMs: 5000 },
            JSON.stringify({ deliveryId, event: e }),
            deliveryId,
            clock.getTime(),
          ),
      },
    });

  beforeAll(async () => {
    db = await openRecordsDb({ dataDir: join(freshDataDir(), 'records') });
    smtp = await startSmtpCapture();
    email = createEmailSender(smtp.url, 'alerts@clinic.invalid');
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        const status = webhookAnswers.shift() ?? 200;
        if (status === 200) {
          received.push({
            body,
            delivery: String(req.headers['x-rpm-delivery']),
            verified: verifyWebhook(
              SECRET,
              {
                signature: req.headers['x-rpm-signature'] as string | undefined,
                timestamp: req.headers['x-rpm-timestamp'] as string | undefined,
              },
              body,
              Math.floor(clock.getTime() / 1000),
            ),
          });
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const address = webhook.address();
    webhookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/rpm-alerts`;
  });
  afterAll(async () => {
    email?.close();
    await smtp?.close();
    await new Promise((resolve) => webhook?.close(resolve));
    await db?.close();
  });

  it('emails the alert to a real SMTP server, with the patient id and a dashboard link but no name', async () => {
    await storeEvent(db, event(1));
    await enqueueDeliveries(
      db,
      [{ eventId: 'alert-1:fired:1', channel: 'email', recipient: 'nurse@clinic.invalid' }],
      clock,
    );
    await dispatcher().deliverDue();
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail?.to).toEqual(['nurse@clinic.invalid']);
    expect(mail?.subject).toBe('[CRITICAL] patient P-1001: Glucose below 54 mg/dL (level 2 hypoglycaemia)');
    expect(mail?.text).toContain('Reading: 48 mg/dL');
    expect(mail?.text).toContain('Time: 25 Nov 2026, 03:10 (Asia/Karachi)');
    expect(mail?.text).toContain('https://rpm.example/patients/P-1001');
    expect((await listDeliveries(db, 'alert-1:fired:1'))[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('posts a signed webhook that the receiver verifies', async () => {
    await storeEvent(db, event(2));
    await enqueueDeliveries(
      db,
      [{ eventId: 'alert-2:fired:1', channel: 'webhook', recipient: webhookUrl }],
      clock,
    );
    await dispatcher().deliverDue();
    expect(received).toHaveLength(1);
    expect(received[0]?.verified).toBe(true);
    expect(JSON.parse(received[0]?.body ?? '{}').event.alertId).toBe('alert-2');
  });

  it('retries a failing channel with backoff and records the failures', async () => {
    received.length = 0;
    webhookAnswers = [503, 503];
    smtp.failNext(1);
    await storeEvent(db, event(3));
    await enqueueDeliveries(
      db,
      [
        { eventId: 'alert-3:fired:1', channel: 'webhook', recipient: webhookUrl },
        { eventId: 'alert-3:fired:1', channel: 'email', recipient: 'dr@clinic.invalid' },
      ],
      clock,
    );
    const d = dispatcher();
    expect(await d.deliverDue()).toBe(2);
    expect(await listDeliveries(db, 'alert-3:fired:1')).toMatchObject([
      {
        channel: 'email',
        status: 'pending',
        attempts: 1,
        lastError: expect.stringContaining('try again later'),
      },
      {
        channel: 'webhook',
        status: 'pending',
        attempts: 1,
        lastError: expect.stringContaining('answered 503'),
      },
    ]);
    // Not due again until the backoff has passed.
    expect(await d.deliverDue()).toBe(0);
    clock = new Date(clock.getTime() + 1000);
    expect(await d.deliverDue()).toBe(2);
    clock = new Date(clock.getTime() + 2000);
    expect(await d.deliverDue()).toBe(1);
    expect(await listDeliveries(db, 'alert-3:fired:1')).toMatchObject([
      { channel: 'email', status: 'sent', attempts: 2 },
      { channel: 'webhook', status: 'sent', attempts: 3 },
    ]);
    expect(received).toHaveLength(1);
  });

  it('gives up on a permanent refusal and says why', async () => {
    webhookAnswers = [404];
    await storeEvent(db, event(4));
    await enqueueDeliveries(
      db,
      [{ eventId: 'alert-4:fired:1', channel: 'webhook', recipient: webhookUrl }],
      clock,
    );
    await dispatcher().deliverDue();
    expect((await listDeliveries(db, 'alert-4:fired:1'))[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('answered 404'),
    });
  });

  it('never sends the same event to the same recipient twice, even when enqueued again', async () => {
    const before = smtp.mails.length;
    await enqueueDeliveries(
      db,
      [{ eventId: 'alert-1:fired:1', channel: 'email', recipient: 'nurse@clinic.invalid' }],
      clock,
    );
    clock = new Date(clock.getTime() + 3_600_000);
    expect(await dispatcher().deliverDue()).toBe(0);
    expect(smtp.mails.length).toBe(before);
  });

  it('classifies webhook answers: 5xx and 429 are retried, other 4xx are not', async () => {
    for (const [status, retryable] of [
      [500, true],
      [429, true],
      [400, false],
    ] as const) {
      webhookAnswers = [status];
      const err = await sendWebhook(
        { url: webhookUrl, secret: SECRET, timeoutMs: 5000 },
        '{}',
        'd',
        Date.now(),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect((err as DeliveryError).retryable).toBe(retryable);
    }
  });
});

describe('a mail server or webhook receiver that hangs', () => {
  // Accepts connections and never says a word: an SMTP server or HTTP receiver that hangs.
  let silent: TcpServer;
  let url: (scheme: string) => string;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    silent = createTcpServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (typeof address !== 'object' || !address) throw new Error('no address');
    url = (scheme) => `${scheme}://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  const failure = async (send: () => Promise<void>) => {
    const started = performance.now();
    const err = await send().catch((e: unknown) => e);
    return { err: err as DeliveryError, ms: performance.now() - started };
  };

  it('fails an email within its timeout, to be retried', async () => {
    const email = createEmailSender(url('smtp'), 'alerts@clinic.invalid', {
      connectMs: 1_000,
      greetingMs: 500,
      socketMs: 1_000,
    });
    const { err, ms } = await failure(() => email.send('nurse@clinic.invalid', 'Alert', 'text'));
    email.close();
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/greeting/i);
    expect(ms).toBeLessThan(5_000);
  });

  it('fails a webhook within its timeout, to be retried', async () => {
    const { err, ms } = await failure(() =>
      sendWebhook({ url: url('http'), secret: SECRET, timeoutMs: 500 }, '{}', 'd', Date.now()),
    );
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/timeout|aborted/i);
    expect(ms).toBeLessThan(5_000);
  });
});

describe('two server replicas sending notifications from one PostgreSQL', () => {
  it('sends each delivery once, whichever replica claims it', async () => {
    const postgres = await startPostgres(mkdtempSync(join(tmpdir(), 'rpm-pg-')));
    const replicas = [await openRecordsDb({ url: postgres.url }), await openRecordsDb({ url: postgres.url })];
    const [first] = replicas;
    if (!first) throw new Error('no replica');
    const received: string[] = [];
    const senders = {
      mqtt: async (_topic: string, _event: AlertEvent, deliveryId: string) => {
        received.push(deliveryId);
        await new Promise((r) => setTimeout(r, 5)); // a send takes a moment, as a real one does
      },
    };
    for (let n = 0; n < 40; n++) {
      await storeEvent(first, event(100 + n));
      await enqueueDeliveries(
        first,
        [{ eventId: `alert-${100 + n}:fired:1`, channel: 'mqtt', recipient: `rpm/v1/alerts/P-${n}` }],
        new Date(),
      );
    }
    const dispatchers = replicas.map(
      (db) =>
        new NotificationDispatcher({
          db,
          senders,
          now: () => new Date(),
          log: createLogger('test', 'silent'),
        }),
    );
    while ((await Promise.all(dispatchers.map((d) => d.deliverDue(7)))).some((n) => n > 0)) {}
    expect(received).toHaveLength(40);
    expect(new Set(received).size).toBe(40);
    for (const db of replicas) await db.close();
    await postgres.stop();
  });
});
