/** Typed errors of the records layer, so HTTP routes can answer 404/409 with a clear message. */

export class RecordNotFoundError extends Error {
  constructor(
    readonly kind: string,
    readonly id: string,
  ) {
    super(`${kind} '${id}' does not exist`);
    this.name = 'RecordNotFoundError';
  }
}

export class RecordConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordConflictError';
  }
}

/** PostgreSQL's unique-violation code (PGlite reports the same codes). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === '23505';
}
