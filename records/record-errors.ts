import { ZodError } from 'zod';
import { StatusError } from '../common/status-error.ts';

/** Typed errors of the records layer, so HTTP routes can answer 404/409 with a clear message. */

export class RecordNotFoundError extends StatusError {
  readonly statusCode = 404;
  readonly code = 'RPM_NOT_FOUND';
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(`${kind} '${id}' does not exist`);
    this.name = 'RecordNotFoundError';
  }
}

export class RecordConflictError extends StatusError {
  readonly statusCode = 409;
  readonly code = 'RPM_CONFLICT';
  constructor(message: string) {
    super(message);
    this.name = 'RecordConflictError';
  }
}

/** PostgreSQL's unique-violation code (PGlite reports the same codes). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === '23505';
}

/**
 * Whether a records-database error may pass if the same statement is tried again: a lost
 * or refused connection, a server starting or stopping, resources short, a serialisation
 * conflict or deadlock (SQLSTATE classes 08, 53, 57, 58, 40; 55P03 lock not available), or
 * an error with no SQLSTATE at all (a socket, a closed pool, a timeout). Anything else (a
 * value the database refuses, a constraint) fails again however often it is tried, and so
 * does a fault in our own code (a TypeError, a schema that refuses a value): retried, it
 * would hold every later step behind it for ever.
 */
export function isTransientDatabaseError(err: unknown): boolean {
  if (
    err instanceof TypeError ||
    err instanceof RangeError ||
    err instanceof ReferenceError ||
    err instanceof SyntaxError ||
    err instanceof ZodError ||
    (err instanceof StatusError && err.statusCode < 500) // our own refusal: not found, conflict
  )
    return false;
  // The database's own errors carry a severity beside their code (pg and PGlite alike);
  // a socket's (EPIPE, ECONNRESET) has a code but no severity.
  const fromDatabase = typeof err === 'object' && err !== null && 'severity' in err && 'code' in err;
  const code = fromDatabase ? err.code : undefined;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return ['08', '53', '57', '58', '40'].includes(code.slice(0, 2)) || code === '55P03';
}
