/**
 * Structured logs (pino, the logger fastify uses). Log ids (gateway, device, patient,
 * alert, message), never readings' values or anything that names a person.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;
export const LogLevel = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function createLogger(service: string, level: (typeof LogLevel)[number] = 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}
