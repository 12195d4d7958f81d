/**
 * The page's only door to the server: JSON over fetch, the CSRF token from GET /api/session
 * on every change, and every failure turned into an ApiError carrying the server's own
 * `message` (what the screens show, in plain words).
 */

export type Method = 'POST' | 'PUT' | 'DELETE';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  send<T>(method: Method, path: string, body?: unknown): Promise<T>;
  setCsrfToken(token: string): void;
}

const UNREACHABLE = 'Cannot reach the server. Check the network connection and try again.';

async function messageOf(res: Response): Promise<string> {
  try {
    const body: unknown = await res.json();
    if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
      return body.message;
    }
  } catch {
    // Not JSON (a proxy's error page): fall back to the status.
  }
  return `The server answered ${res.status} ${res.statusText}`.trim();
}

/**
 * `onSessionEnded` is called on a 401 from any call but the login and the session check
 * themselves (whose 401 is the expected answer when logged out).
 */
export function createApiClient(onSessionEnded: () => void): ApiClient {
  let csrfToken = '';
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          ...(method !== 'GET' && { 'x-csrf-token': csrfToken }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, method, path, UNREACHABLE);
    }
    if (!res.ok) {
      const error = new ApiError(res.status, method, path, await messageOf(res));
      if (res.status === 401 && path !== '/api/login' && path !== '/api/session') onSessionEnded();
      throw error;
    }
    return (await res.json()) as T;
  };
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
    setCsrfToken: (token) => {
      csrfToken = token;
    },
  };
}

/**
 * The words to show for any failure: the server's message, or what went wrong in the page.
 * A message that starts with a plain word gets a capital; one that starts with a name
 * (`general.spo2_low: ...`, `body.id: ...`) is left exactly as the server wrote it.
 */
export function errorText(error: unknown): string {
  const text =
    error instanceof ApiError
      ? error.message
      : `something went wrong in this page: ${error instanceof Error ? error.message : String(error)}`;
  return /^[a-z]+[ ,;]/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}
