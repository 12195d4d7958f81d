/**
 * Every dashboard API route, as a table: refused without a login (401), refused for a
 * role it is not meant for (403), refused with a clear message for a malformed request
 * (400), and answered for the role it serves.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { topics } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import type { ServerConfig } from '../server/config.ts';
import { DEMO_PASSWORD, readDemoGateways } from '../server/demo-seed.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';
import { connectGateway, testServerConfig, uniqueDatabase } from './helpers.ts';
import { type HttpSession, login } from './http-session.ts';

type Who = 'admin' | 'nurse' | 'doctor';
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Route {
  method: Method;
  path: string;
  /** Roles the route serves; the others get 403. */
  roles: Who[];
  /** A request it answers with 2xx. */
  body?: unknown;
  /** A malformed request (path or body) and a word the 400 message must contain. */
  bad?: { path?: string; body?: unknown; says: string };
}

let alertId = '';

const ROUTES = (): Route[] => [
  { method: 'GET', path: '/api/admin/patients', roles: ['admin'] },
  {
    method: 'POST',
    path: '/api/admin/patients',
    roles: ['admin'],
    body: { id: 'P-3001', displayName: 'Route Test' },
    bad: { body: { id: 'P 3001', displayName: 'x' }, says: 'body.id' },
  },
  { method: 'GET', path: '/api/admin/gateways', roles: ['admin'] },
  {
    method: 'POST',
    path: '/api/admin/gateways',
    roles: ['admin'],
    body: { id: 'gw-routes', label: 'x' },
    bad: { body: { id: 'gw/routes' }, says: 'body.id' },
  },
  {
    method: 'POST',
    path: '/api/admin/gateways/gw-routes/credentials',
    roles: ['admin'],
    bad: { path: '/api/admin/gateways/gw%2Froutes/credentials', says: 'params.gatewayId' },
  },
  {
    method: 'PUT',
    path: '/api/admin/gateways/gw-routes/patients/P-3001',
    roles: ['admin'],
    bad: { path: '/api/admin/gateways/gw-routes/patients/P%203001', says: 'params.patientId' },
  },
  { method: 'DELETE', path: '/api/admin/gateways/gw-routes/patients/P-3001', roles: ['admin'] },
  { method: 'GET', path: '/api/admin/users', roles: ['admin'] },
  {
    method: 'POST',
    path: '/api/admin/users',
    roles: ['admin'],
    body: {
      id: 'nurse.route',
      displayName: 'Route Nurse',
      role: 'nurse',
      password: 'a long enough password',
    },
    bad: {
      body: { id: 'nurse.route2', displayName: 'x', role: 'nurse', password: 'short' },
      says: 'body.password',
    },
  },
  {
    method: 'POST',
    path: '/api/admin/users/nurse.route/active',
    roles: ['admin'],
    body: { active: true },
    bad: { body: { active: 'yes' }, says: 'body.active' },
  },
  {
    method: 'POST',
    path: '/api/admin/users/nurse.route/password',
    roles: ['admin'],
    body: { password: 'another long password' },
    bad: { body: { password: '' }, says: 'body.password' },
  },
  { method: 'GET', path: '/api/admin/care-teams', roles: ['admin'] },
  {
    method: 'POST',
    path: '/api/admin/care-teams',
    roles: ['admin'],
    body: { id: 'ward-routes', name: 'Routes', members: [{ userId: 'nurse.route', escalationOrder: 1 }] },
    bad: {
      body: { id: 'ward-routes-2', name: 'x', members: [{ userId: 'nurse.route', escalationOrder: 0 }] },
      says: 'escalationOrder',
    },
  },
  {
    method: 'PUT',
    path: '/api/admin/care-teams/ward-routes/members',
    roles: ['admin'],
    body: { members: [{ userId: 'nurse.route', escalationOrder: 1 }] },
    bad: { body: { members: 'nurse.route' }, says: 'body.members' },
  },
  { method: 'PUT', path: '/api/admin/care-teams/ward-routes/patients/P-3001', roles: ['admin'] },
  {
    method: 'GET',
    path: '/api/admin/audit?targetType=patient',
    roles: ['admin'],
    bad: { path: '/api/admin/audit?limit=0', says: 'querystring.limit' },
  },
  { method: 'GET', path: '/api/patients', roles: ['nurse', 'doctor'] },
  { method: 'GET', path: '/api/ward', roles: ['nurse', 'doctor'] },
  {
    method: 'GET',
    path: '/api/patients/P-1001',
    roles: ['nurse', 'doctor'],
    bad: { path: '/api/patients/P%201001', says: 'params.patientId' },
  },
  {
    method: 'GET',
    path: '/api/patients/P-1001/chart?metric=glucose&range=24h',
    roles: ['nurse', 'doctor'],
    bad: { path: '/api/patients/P-1001/chart?metric=glucose&range=1y', says: 'querystring.range' },
  },
  {
    method: 'GET',
    path: '/api/alerts?scope=recent',
    roles: ['nurse', 'doctor'],
    bad: { path: '/api/alerts?scope=everything', says: 'querystring.scope' },
  },
  {
    method: 'POST',
    path: `/api/alerts/${alertId}/acknowledge`,
    roles: ['nurse', 'doctor'],
    body: { note: 'seen' },
    bad: { body: { note: 'x'.repeat(1001) }, says: 'body.note' },
  },
  {
    method: 'POST',
    path: `/api/alerts/${alertId}/snooze`,
    roles: ['nurse', 'doctor'],
    body: { minutes: 30 },
    bad: { body: { minutes: 2 }, says: 'body.minutes' },
  },
  {
    method: 'POST',
    path: `/api/alerts/${alertId}/resolve`,
    roles: ['nurse', 'doctor'],
    body: { note: 'treated' },
    bad: { body: { note: '' }, says: 'body.note' },
  },
  { method: 'GET', path: '/api/patients/P-1001/care-plan', roles: ['nurse', 'doctor'] },
  {
    method: 'PUT',
    path: '/api/patients/P-1001/care-plan',
    roles: ['doctor'],
    body: { templates: ['diabetes'], overrides: { 'diabetes.hyper_l1': { enabled: false } } },
    bad: { body: { templates: ['cardiology'] }, says: 'body.templates' },
  },
  { method: 'GET', path: '/api/care-plan-templates', roles: ['nurse', 'doctor'] },
];

describe('every dashboard API route', () => {
  let config: ServerConfig;
  let server: RunningServer;
  const as: Partial<Record<Who, HttpSession>> = {};

  beforeAll(async () => {
    config = testServerConfig(uniqueDatabase('routes'), {
      mode: 'demo',
      http: { host: '127.0.0.1', port: 0, loginAttempts: 200 },
    });
    server = await startServer(config, createLogger('test-server', config.logLevel));
    as.admin = await login(server.httpUrl, 'admin', DEMO_PASSWORD);
    const nurse = await login(server.httpUrl, 'nurse.ayesha', DEMO_PASSWORD);
    as.nurse = nurse;
    as.doctor = await login(server.httpUrl, 'dr.farooq', DEMO_PASSWORD);
    // An alert to act on: a meter test of 60 mg/dL for P-1001 (diabetes plan, ward A).
    const [home] = readDemoGateways(config.dataDir);
    if (!home) throw new Error('no demo gateway');
    const gateway = await connectGateway(server.mqttPort, home.gatewayId, home.secret);
    await gateway.publishAsync(
      topics.readings(home.gatewayId),
      JSON.stringify({
        gatewayId: home.gatewayId,
        sentAt: new Date().toISOString(),
        readings: [
          {
            id: 'meter:glucose:1',
            patientId: 'P-1001',
            deviceId: 'meter',
            metric: 'glucose',
            value: 60,
            unit: 'mg/dL',
            time: new Date(Date.now() - 60_000).toISOString(),
            context: { source: 'meter' },
          },
        ],
      }),
      { qos: 1 },
    );
    await gateway.endAsync();
    alertId = await vi.waitFor(
      async () => {
        const { alerts } = (await (await nurse.get('/api/alerts')).json()) as {
          alerts: { alertId: string }[];
        };
        if (!alerts[0]) throw new Error('the low glucose alert has not fired yet');
        return alerts[0].alertId;
      },
      { timeout: 10_000, interval: 100 },
    );
  });
  afterAll(() => server?.close());

  const call = async (who: Who | undefined, method: Method, path: string, body?: unknown) => {
    if (!who) {
      return fetch(`${server.httpUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    }
    const session = as[who];
    if (!session) throw new Error(`not logged in as ${who}`);
    return method === 'GET' ? session.get(path) : session.send(method, path, body);
  };

  it('refuses every API route without a login', async () => {
    for (const r of ROUTES()) {
      const res = await call(undefined, r.method, r.path, r.body);
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expect(await res.json()).toMatchObject({ message: 'log in first' });
    }
    expect((await call(undefined, 'GET', '/api/live')).status).toBe(401);
  });

  it('refuses each route to the roles it does not serve, saying which role it needs', async () => {
    for (const r of ROUTES()) {
      for (const who of (['admin', 'nurse', 'doctor'] as const).filter((w) => !r.roles.includes(w))) {
        const res = await call(who, r.method, r.path, r.body);
        expect(res.status, `${who} ${r.method} ${r.path}`).toBe(403);
        const body = (await res.json()) as { message: string; code: string };
        expect(body.message).toMatch(/needs the role|not in your care teams/);
        expect(body.code).toBe('RPM_FORBIDDEN');
      }
    }
  });

  it('answers a malformed request with 400 naming what is wrong', async () => {
    for (const r of ROUTES()) {
      if (!r.bad) continue;
      const who = r.roles[0] as Who;
      const res = await call(who, r.method, r.bad.path ?? r.path, r.bad.body ?? r.body);
      expect(res.status, `${r.method} ${r.bad.path ?? r.path}`).toBe(400);
      expect(((await res.json()) as { message: string }).message, `${r.method} ${r.path}`).toContain(
        r.bad.says,
      );
    }
  });

  it('serves each route to its roles', async () => {
    for (const r of ROUTES()) {
      for (const who of r.roles) {
        const res = await call(who, r.method, r.path, r.body);
        expect(
          res.status,
          `${who} ${r.method} ${r.path}: ${res.status === 200 || res.status === 201 ? '' : await res.clone().text()}`,
        ).toBeLessThan(300);
        // Two roles share a state-changing route: the second sees it already done.
        if (r.method !== 'GET') break;
      }
    }
  });

  it("refuses another care team's patient and an unknown alert", async () => {
    const nurse = as.nurse;
    if (!nurse) throw new Error('no nurse');
    expect((await nurse.get('/api/patients/P-1002')).status).toBe(403);
    expect((await nurse.get('/api/alerts?patientId=P-1002')).status).toBe(403);
    const unknown = await nurse.send('POST', '/api/alerts/no-such-alert/acknowledge', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ message: "alert 'no-such-alert' does not exist" });
    // Another team's alert is answered as an unknown one: alert ids tell nothing of other teams' patients.
    const otherTeam = await login(server.httpUrl, 'dr.sana', DEMO_PASSWORD);
    const foreign = await otherTeam.send('POST', `/api/alerts/${alertId}/acknowledge`, {});
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ message: `alert '${alertId}' does not exist` });
    // Acting on a resolved alert is a conflict, said plainly.
    await nurse.send('POST', `/api/alerts/${alertId}/resolve`, { note: 'treated' });
    const again = await nurse.send('POST', `/api/alerts/${alertId}/resolve`, { note: 'again' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ message: 'this alert is already resolved' });
  });

  it('streams the live feed to a nurse as server-sent events', async () => {
    const res = await fetch(`${server.httpUrl}/api/live`, {
      headers: { cookie: await sessionCookie(server.httpUrl) },
      signal: AbortSignal.timeout(2000),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    await res.body?.cancel();
  });
});

async function sessionCookie(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'nurse.ayesha', password: DEMO_PASSWORD }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('rpm_session='));
  return cookie?.split(';')[0] ?? '';
}
