/**
 * A refusal that says how the HTTP API answers it (model: fastify's own
 * `createError(code, message, statusCode)`): the status, a stable code an integrator can
 * branch on, and the message a person reads, which names the field or rule at fault. One
 * error handler (dashboard/dashboard-app.ts) answers every StatusError; any other error is
 * a fault of ours, logged and answered with a bare 500.
 */
export abstract class StatusError extends Error {
  /** The HTTP status: 4xx for a refusal, 503 for a part that does not answer. */
  abstract readonly statusCode: number;
  /** Stable across releases, e.g. `RPM_NOT_FOUND`. */
  abstract readonly code: string;

  /** What the API answers with; the message, unless its detail is for the log only. */
  answer(): string {
    return this.message;
  }
}
