/** A logged-in HTTP client for API tests: keeps the session and CSRF cookies and sends the token. */
export interface HttpSession {
  get(path: string): Promise<Response>;
  send(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Response>;
}

export async function login(baseUrl: string, username: string, password: string): Promise<HttpSession> {
  const cookies = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) cookies.set(name.trim(), value.join('='));
    }
    return res;
  };
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = keep(
    await fetch(`${baseUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    }),
  );
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${await res.text()}`);
  const session = keep(await fetch(`${baseUrl}/api/session`, { headers: { cookie: cookieHeader() } }));
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  return {
    get: async (path) => keep(await fetch(`${baseUrl}${path}`, { headers: { cookie: cookieHeader() } })),
    send: async (method, path, body) =>
      keep(
        await fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            cookie: cookieHeader(),
            'x-csrf-token': csrfToken,
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      ),
  };
}
