/** A request the dashboard refuses on purpose, with the status code and the reason to show. */
export class RequestRefused extends Error {
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefused';
  }
}
