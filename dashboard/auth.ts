/**
 * Logins and sessions for every page and API except /health, /metrics and the login itself:
 * - POST /api/login checks the password (scrypt) and sets `rpm_session`: an http-only,
 *   SameSite=Strict cookie (Secure whenever the request came over HTTPS) holding a random
 *   token whose hash is the session's key in the records database;
 * - failed logins are limited per address and user name (common/failure-throttle.ts), so passwords
 *   cannot be guessed fast, and a nurse who logs in often is never locked out;
 * - state-changing requests need the CSRF token from GET /api/session in the
 *   `x-csrf-token` header (@fastify/csrf-protection, secret in its own cookie), on top of
 *   the SameSite cookie;
 * - `requireRole(...)` guards each route with the roles allowed on it.
 */

import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { FailureThrottle } from '../common/failure-throttle.ts';
import type { ZodFastify } from '../common/page-security.ts';
import { text } from '../common/text.ts';
import { recordAudit } from '../records/audit-log.ts';
import type { RecordsDb } from '../records/records-db.ts';
import { createSession, endSession, type SessionUser, sessionUser } from '../records/sessions.ts';
import type { Role } from '../records/staff.ts';
import { checkLogin } from '../records/users.ts';
import { Done, LoginAnswer, SessionAnswer } from './api-contract.ts';
import { RequestRefused } from './request-refused.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | undefined;
  }
}

/** Failed logins are counted over this window. */
const LOGIN_WINDOW_MS = 15 * 60_000;

export const SESSION_COOKIE = 'rpm_session';

export interface AuthOptions {
  records: RecordsDb;
  sessionTtlMs: number;
  /** Attempts per address and user name per 15 minutes. */
  loginAttempts: number;
  now: () => Date;
  /** After a logout, with the ended session's token (the live feed closes its streams). */
  onLogout?: (token: string) => void;
}

/** A preHandler that lets through only logged-in users with one of `roles`. */
export function requireRole(...roles: Role[]): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest) => {
    if (!request.user) throw new RequestRefused(401, 'log in first');
    if (!roles.includes(request.user.role)) {
      throw new RequestRefused(
        403,
        `this needs the role ${roles.join(' or ')}; you are ${request.user.role}`,
      );
    }
  };
}

/** The logged-in user; for handlers behind requireRole, where one always exists. */
export function currentUser(request: FastifyRequest): SessionUser {
  if (!request.user) throw new RequestRefused(401, 'log in first');
  return request.user;
}

const Login = z.strictObject({ username: text().min(1).max(64), password: text().min(1).max(200) });

/**
 * Adds the session, CSRF and login machinery to `app` itself (not a child scope), so that
 * every route registered on it afterwards is covered by its hooks.
 */
export async function registerAuth(app: ZodFastify, o: AuthOptions): Promise<void> {
  await app.register(cookie);
  await app.register(csrf, {
    cookieKey: 'rpm_csrf',
    cookieOpts: { httpOnly: true, sameSite: 'strict', path: '/', signed: false },
    getToken: (request) => {
      const header = request.headers['x-csrf-token'];
      return typeof header === 'string' ? header : undefined;
    },
  });
  const throttle = new FailureThrottle({
    max: o.loginAttempts,
    windowMs: LOGIN_WINDOW_MS,
    now: () => o.now().getTime(),
  });

  app.decorateRequest('user', undefined);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) request.user = await sessionUser(o.records, token, o.now());
  });
  // Every state-changing request needs the CSRF token, except the login that creates the session.
  // Without a session there is nothing to forge: the route's guard answers 401.
  app.addHook('onRequest', async (request, reply) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method) || request.url === '/api/login' || !request.user)
      return;
    await new Promise<void>((resolve, reject) =>
      app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve())),
    );
  });

  const setSessionCookie = (request: FastifyRequest, reply: FastifyReply, token: string, maxAgeMs: number) =>
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      path: '/',
      maxAge: Math.floor(maxAgeMs / 1000),
    });

  app.post(
    '/api/login',
    { schema: { body: Login, response: { 200: LoginAnswer } } },
    async (request, reply) => {
      const key = `${request.ip}|${request.body.username.toLowerCase()}`;
      const waitMs = throttle.waitMs(key);
      if (waitMs > 0) {
        const minutes = Math.ceil(waitMs / 60_000);
        reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
        throw new RequestRefused(429, `too many failed logins; try again in ${minutes} min`);
      }
      const user = await checkLogin(o.records, request.body.username, request.body.password);
      if (!user) {
        throttle.failed(key);
        request.log.warn({ username: request.body.username }, 'login failed');
        await recordAudit(o.records, {
          actor: request.body.username,
          action: 'login.failed',
          targetType: 'user',
          targetId: request.body.username,
          detail: { ip: request.ip },
        });
        throw new RequestRefused(401, 'wrong user name or password');
      }
      throttle.succeeded(key);
      const token = await createSession(o.records, user.id, o.now(), o.sessionTtlMs);
      await recordAudit(o.records, {
        actor: user.id,
        action: 'login',
        targetType: 'user',
        targetId: user.id,
      });
      setSessionCookie(request, reply, token, o.sessionTtlMs);
      return { user: { id: user.id, displayName: user.displayName, role: user.role } };
    },
  );

  app.post('/api/logout', { schema: { response: { 200: Done } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      await endSession(o.records, token);
      o.onLogout?.(token);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  /** Who is logged in, and the CSRF token the page sends back on every change. */
  app.get('/api/session', { schema: { response: { 200: SessionAnswer } } }, async (request, reply) => {
    const user = currentUser(request);
    return { user, csrfToken: reply.generateCsrf() };
  });
}
