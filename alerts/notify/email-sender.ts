/**
 * Alert email over SMTP (nodemailer: TLS, STARTTLS and auth from the smtp:// or smtps:// URL). Transient
 * SMTP answers (4xx) and connection failures are retried by the dispatcher; permanent ones
 * (5xx: unknown mailbox, refused) are recorded as failed.
 */
import nodemailer from 'nodemailer';
import { DeliveryError } from './delivery-error.ts';

export interface EmailSender {
  send(to: string, subject: string, text: string): Promise<void>;
  close(): void;
}

/**
 * How long an SMTP server may take: to accept the connection, to greet, and to answer
 * each command. One that takes longer is a transient failure, retried by the dispatcher
 * (nodemailer's own defaults wait up to 10 minutes on a silent socket).
 */
export interface SmtpTimeouts {
  connectMs: number;
  greetingMs: number;
  socketMs: number;
}

const SMTP_TIMEOUTS: SmtpTimeouts = { connectMs: 10_000, greetingMs: 10_000, socketMs: 30_000 };

export function createEmailSender(
  smtpUrl: string,
  from: string,
  timeouts: SmtpTimeouts = SMTP_TIMEOUTS,
): EmailSender {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
  });
  return {
    async send(to, subject, text) {
      try {
        await transport.sendMail({ from, to, subject, text });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        const retryable = code === undefined || code < 500;
        throw new DeliveryError('email', retryable, `to ${to}: ${(err as Error).message}`);
      }
    },
    close: () => transport.close(),
  };
}
