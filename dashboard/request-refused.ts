import { StatusError } from '../common/status-error.ts';

const CODES = {
  400: 'RPM_BAD_REQUEST',
  401: 'RPM_UNAUTHENTICATED',
  403: 'RPM_FORBIDDEN',
  404: 'RPM_NOT_FOUND',
  409: 'RPM_CONFLICT',
  429: 'RPM_TOO_MANY_REQUESTS',
} as const;

/** A request the dashboard refuses on purpose, with the status code and the reason to show. */
export class RequestRefused extends StatusError {
  readonly code: (typeof CODES)[keyof typeof CODES];
  constructor(
    readonly statusCode: keyof typeof CODES,
    message: string,
  ) {
    super(message);
    this.code = CODES[statusCode];
    this.name = 'RequestRefused';
  }
}
