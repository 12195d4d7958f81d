/** A failed notification delivery: whether trying again can help, and what went wrong. */
export class DeliveryError extends Error {
  constructor(
    readonly channel: string,
    readonly retryable: boolean,
    detail: string,
  ) {
    super(`${channel} delivery failed: ${detail}`);
    this.name = 'DeliveryError';
  }
}
