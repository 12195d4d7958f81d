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

export function createEmailSender(smtpUrl: string, from: string): EmailSender {
  const transport = nodemailer.createTransport(smtpUrl);
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
