import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReadingInput, topics } from '../common/contract.ts';
import { createLogger } from '../common/log.ts';
import { listAudit } from '../records/audit-log.ts';
import type { ServerConfig } from '../server/config.ts';
import { DEMO_PASSWORD, readDemoGateways } from '../server/demo-seed.ts';
import { type RunningServer, startServer } from '../server/start-server.ts';
import { connectGateway, testServerConfig, uniqueDatabase } from './helpers.ts';
import { type HttpSession, login } from './http-session.ts';

describe('dashboard API', () => {
  let config: ServerConfig;
  let server: RunningServer;
  let admin: HttpSession;
  let nurseA: HttpSession;

  beforeAll(async () => {
    // Demo mode seeds ward-a (nurse.ayesha, dr.farooq: P-1001) and ward-b (nurse.bilal, dr.sana: P-1002, P-1003, P-1101, P-1102).
    config = testServerConfig(uniqueDatabase('dashboard'), { mode: 'demo' });
    server = await startServer(config, createLogger('test-server', config.logLevel));
    admin = await login(server.httpUrl, 'admin', DEMO_PASSWORD);
    nurseA = await login(server.httpUrl, 'nurse.ayesha', DEMO_PASSWORD);
  });
  afterAll(() => server?.close());

  it('answers 401 to every API call without a login, except health and metrics', async () => {
    for (const path of ['/api/ward', '/api/patients', '/api/admin/users', '/api/session', '/api/live']) {
      expect((await fetch(`${server.httpUrl}${path}`)).status, path).toBe(401);
    }
    expect((await fetch(`${server.httpUrl}/health`)).status).toBe(200);
    expect((await fetch(`${server.httpUrl}/metrics`)).status).toBe(200);
  });

  it('refuses a wrong password with one message for unknown users and wrong passwords', async () => {
    const attempt = (username: string) =>
      fetch(`${server.httpUrl}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'not-the-password' }),
      });
    for (const username of ['nurse.ayesha', 'nobody']) {
      const res = await attempt(username);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ message: 'wrong user name or password' });
    }
  });

  it('rate-limits login attempts for one user name', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 12; i++) {
      last = await fetch(`${server.httpUrl}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dr.sana', password: `guess-${i}` }),
      });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last?.json()).toMatchObject({
      code: 'RPM_TOO_MANY_REQUESTS',
      message: /too many failed logins/,
    });
  });

  it('never counts successful logins against the limit: a nurse may log in many times a shift', async () => {
    for (let i = 0; i < 12; i++) {
      const session = await login(server.httpUrl, 'nurse.bilal', DEMO_PASSWORD);
      expect((await session.get('/api/session')).status).toBe(200);
    }
  });

  it('refuses a state-changing request from a logged-in user without the CSRF token', async () => {
    const res = await fetch(`${server.httpUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
    });
    const cookie =
      res.headers
        .getSetCookie()
        .find((c) => c.startsWith('rpm_session='))
        ?.split(';')[0] ?? '';
    const forged = await fetch(`${server.httpUrl}/api/admin/patients`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'P-FORGED', displayName: 'Forged' }),
    });
    expect(forged.status).toBe(403);
    const { patients } = (await (await admin.get('/api/admin/patients')).json()) as {
      patients: { id: string }[];
    };
    expect(patients.map((p) => p.id)).not.toContain('P-FORGED');
  });

  it('sets the session cookie http-only and SameSite=Strict, with security headers', async () => {
    const res = await fetch(`${server.httpUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nurse.bilal', password: DEMO_PASSWORD }),
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('rpm_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it("shows a nurse only her care team's patients and refuses the others", async () => {
    const { patients } = (await (await nurseA.get('/api/patients')).json()) as { patients: { id: string }[] };
    expect(patients.map((p) => p.id)).toEqual(['P-1001']);
    const other = await nurseA.get('/api/patients/P-1002');
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ message: "patient 'P-1002' is not in your care teams" });
    expect((await nurseA.get('/api/patients/P-1002/chart?metric=spo2&range=6h')).status).toBe(403);
  });

  it('refuses a nurse the administration API and an admin the clinical views', async () => {
    const res = await nurseA.get('/api/admin/users');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ message: 'this needs the role admin; you are nurse' });
    expect((await nurseA.send('POST', '/api/admin/patients', { id: 'P-9', displayName: 'X' })).status).toBe(
      403,
    );
    expect((await admin.get('/api/ward')).status).toBe(403);
  });

  it('lets an admin register a patient and a gateway, and issues the secret once', async () => {
    expect(
      (await admin.send('POST', '/api/admin/patients', { id: 'P-2001', displayName: 'Zainab' })).status,
    ).toBe(201);
    expect(
      (await admin.send('POST', '/api/admin/gateways', { id: 'gw-new', label: 'Zainab home' })).status,
    ).toBe(201);
    expect((await admin.send('PUT', '/api/admin/gateways/gw-new/patients/P-2001')).status).toBe(200);
    const issued = (await (await admin.send('POST', '/api/admin/gateways/gw-new/credentials')).json()) as {
      secret: string;
      mqttUsername: string;
    };
    expect(issued.mqttUsername).toBe('gw-new');
    const gateway = await connectGateway(server.mqttPort, 'gw-new', issued.secret);
    await gateway.publishAsync(
      topics.readings('gw-new'),
      JSON.stringify({
        gatewayId: 'gw-new',
        sentAt: new Date().toISOString(),
        readings: [
          {
            id: 'x1',
            patientId: 'P-2001',
            deviceId: 'ox-9',
            metric: 'spo2',
            value: 97,
            unit: '%',
            time: new Date(Date.now() - 60_000).toISOString(),
          },
        ],
      }),
      { qos: 1 },
    );
    await gateway.endAsync();
    const { gateways } = (await (await admin.get('/api/admin/gateways')).json()) as {
      gateways: { id: string; patientIds: string[] }[];
    };
    expect(gateways.find((g) => g.id === 'gw-new')?.patientIds).toEqual(['P-2001']);
    expect(JSON.stringify(gateways)).not.toContain(issued.secret);
  });

  it('ends the live session opened with the old secret when credentials are re-issued, and refuses the old secret', async () => {
    const first = (await (await admin.send('POST', '/api/admin/gateways/gw-new/credentials')).json()) as {
      secret: string;
    };
    const gateway = await connectGateway(server.mqttPort, 'gw-new', first.secret);
    const closed = new Promise<void>((resolve) => gateway.once('close', () => resolve()));
    const second = (await (await admin.send('POST', '/api/admin/gateways/gw-new/credentials')).json()) as {
      secret: string;
    };
    await closed;
    expect(gateway.connected).toBe(false);
    await gateway.endAsync();
    await expect(connectGateway(server.mqttPort, 'gw-new', first.secret)).rejects.toThrow(
      /Not authorized|Bad/i,
    );
    const renewed = await connectGateway(server.mqttPort, 'gw-new', second.secret);
    expect(renewed.connected).toBe(true);
    await renewed.endAsync();
  });

  it('answers a malformed body with 400 naming the field, and a duplicate with 409', async () => {
    const bad = await admin.send('POST', '/api/admin/users', {
      id: 'X Y',
      displayName: '',
      role: 'chef',
      password: 'x',
    });
    expect(bad.status).toBe(400);
    const { message, code } = (await bad.json()) as { message: string; code: string };
    expect(code).toBe('RPM_INVALID_REQUEST');
    expect(message).toContain('body.id');
    expect(message).toContain('body.role');
    expect(message).toContain('body.password');
    // Long enough, but common, breached or repetitive (NIST SP 800-63B).
    for (const [password, why] of [
      ['password1234', 'is one of the most common passwords'],
      ['aaaaaaaaaaaa', 'repeats one or two characters'],
      ['            ', 'is only spaces'],
      ['nurse.new-secret', 'contains the user name'],
    ]) {
      const weak = await admin.send('POST', '/api/admin/users', {
        id: 'nurse.new',
        displayName: 'New nurse',
        role: 'nurse',
        password,
      });
      expect(weak.status).toBe(400);
      expect(((await weak.json()) as { message: string }).message).toContain(why);
    }
    const dup = await admin.send('POST', '/api/admin/patients', { id: 'P-1001', displayName: 'Again' });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({
      code: 'RPM_CONFLICT',
      message: "patient 'P-1001' already exists",
    });
    const unknown = await admin.send('PUT', '/api/admin/care-teams/ward-z/patients/P-1001', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      code: 'RPM_NOT_FOUND',
      message: "care team 'ward-z' does not exist",
    });
  });

  it('gives the ward tiles with the latest values and audits who opened a patient view', async () => {
    const [home] = (await (await admin.get('/api/admin/gateways')).json()).gateways as { id: string }[];
    expect(home?.id).toBe('gw-home-1');
    const ward = (await (await nurseA.get('/api/ward')).json()) as { tiles: { patientId: string }[] };
    expect(ward.tiles.map((t) => t.patientId)).toEqual(['P-1001']);
    const view = await nurseA.get('/api/patients/P-1001');
    expect(view.status).toBe(200);
    const audit = await listAudit(server.records, {
      targetType: 'patient',
      targetId: 'P-1001',
      actor: 'nurse.ayesha',
    });
    expect(audit.map((a) => a.action)).toContain('patient.view');
  });

  it("audits every look at a patient's data, lists once while the patients shown stay the same, and failed logins", async () => {
    const nurseB = await login(server.httpUrl, 'nurse.bilal', DEMO_PASSWORD);
    for (const path of [
      '/api/patients/P-1002/chart?metric=spo2&range=24h',
      '/api/patients/P-1002/care-plan',
      '/api/alerts?patientId=P-1002',
      '/api/ward',
      '/api/ward',
      '/api/alerts',
    ]) {
      expect((await nurseB.get(path)).status, path).toBe(200);
    }
    const mine = await listAudit(server.records, { actor: 'nurse.bilal' });
    const seen = mine.map((a) => [a.action, a.targetId, a.detail]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['patient.chart.view', 'P-1002', { metric: 'spo2', range: '24h' }],
        ['care_plan.view', 'P-1002', {}],
        ['alerts.view', 'P-1002', { scope: 'active' }],
        ['alerts.list.view', '4 patients', { patientIds: ['P-1002', 'P-1003', 'P-1101', 'P-1102'] }],
      ]),
    );
    // The ward reloads every minute: recorded once while it shows the same patients.
    expect(seen.filter(([action]) => action === 'ward.view')).toEqual([
      ['ward.view', '4 patients', { patientIds: ['P-1002', 'P-1003', 'P-1101', 'P-1102'] }],
    ]);
    const failed = await fetch(`${server.httpUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dr.farooq', password: 'not-his-password' }),
    });
    expect(failed.status).toBe(401);
    const attempts = await listAudit(server.records, { actor: 'dr.farooq' });
    expect(attempts.map((a) => [a.action, a.detail])).toContainEqual(['login.failed', { ip: '127.0.0.1' }]);
  });

  it("shows each tile's latest values at their sample times, with an oximeter's pulse as heart rate", async () => {
    const [home] = readDemoGateways(config.dataDir);
    if (!home) throw new Error('no demo gateway');
    const gateway = await connectGateway(server.mqttPort, home.gatewayId, home.secret);
    const now = Date.now();
    const at = (secondsAgo: number) =>
      new Date(Math.floor(now / 1000) * 1000 - secondsAgo * 1000).toISOString();
    const readings: ReadingInput[] = [
      {
        id: 'ox:pr:1',
        patientId: 'P-1001',
        deviceId: 'ox',
        metric: 'pulse_rate',
        value: 77,
        unit: '/min',
        time: at(120),
      },
      {
        id: 'ox:spo2:1',
        patientId: 'P-1001',
        deviceId: 'ox',
        metric: 'spo2',
        value: 96,
        unit: '%',
        time: at(60),
        flags: ['questionable'],
      },
      {
        id: 'cgm:g:1',
        patientId: 'P-1001',
        deviceId: 'cgm',
        metric: 'glucose',
        value: 7.5,
        unit: 'mmol/L',
        time: at(30),
        context: { source: 'cgm', trendMgdlPerMin: -1.5 },
      },
    ];
    await gateway.publishAsync(
      topics.readings(home.gatewayId),
      JSON.stringify({ gatewayId: home.gatewayId, sentAt: new Date().toISOString(), readings }),
      { qos: 1 },
    );
    await gateway.endAsync();
    const { tiles } = (await (await nurseA.get('/api/ward')).json()) as {
      tiles: {
        patientId: string;
        latest: Record<string, { value: number; time: number; reliable: boolean }>;
      }[];
    };
    const latest = tiles.find((t) => t.patientId === 'P-1001')?.latest;
    expect(latest?.heart_rate).toEqual({ value: 77, time: Date.parse(at(120)), reliable: true });
    expect(latest?.spo2).toEqual({ value: 96, time: Date.parse(at(60)), reliable: false });
    // 7.5 mmol/L is stored and shown as 135.117 mg/dL (x 18.0156).
    expect(latest?.glucose).toMatchObject({ time: Date.parse(at(30)), trendMgdlPerMin: -1.5, source: 'cgm' });
    expect(latest?.glucose?.value).toBeCloseTo(135.117, 6);
    const chart = (await (
      await nurseA.get('/api/patients/P-1001/chart?metric=heart_rate&range=6h')
    ).json()) as {
      points: { mean: number }[];
    };
    expect(chart.points.map((p) => p.mean)).toEqual([77]);
  });

  it('validates chart queries', async () => {
    const res = await nurseA.get('/api/patients/P-1001/chart?metric=temperature&range=6h');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('querystring.metric');
  });
});

describe('dashboard behind a reverse proxy', () => {
  it('takes the client address the proxy saw, so a client cannot escape the login limit by naming its own', async () => {
    // RPM_HTTP_TRUST_PROXY=127.0.0.1: the proxy is on this machine and appends the address
    // it saw to X-Forwarded-For; whatever the client wrote before that is not trusted.
    const config = testServerConfig(uniqueDatabase('proxy'), {
      mode: 'demo',
      http: { host: '127.0.0.1', port: 0, trustProxy: '127.0.0.1' },
    });
    const server = await startServer(config, createLogger('test-server', config.logLevel));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await fetch(`${server.httpUrl}/api/login`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-forwarded-for': `198.51.100.${i}, 203.0.113.9`,
            'x-forwarded-proto': 'https',
          },
          body: JSON.stringify({ username: 'dr.sana', password: `guess-${i}` }),
        });
        statuses.push(res.status);
      }
      expect(statuses.slice(10)).toEqual([429, 429]);
      // Through the proxy's https the session cookie is marked Secure.
      const ok = await fetch(`${server.httpUrl}/api/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': '203.0.113.10',
          'x-forwarded-proto': 'https',
        },
        body: JSON.stringify({ username: 'nurse.ayesha', password: DEMO_PASSWORD }),
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.getSetCookie().find((c) => c.startsWith('rpm_session='))).toMatch(/; Secure/);
    } finally {
      await server.close();
    }
  });
});

describe('production mode', () => {
  it('refuses to serve records that still hold demo accounts with the demo password', async () => {
    const demo = testServerConfig(uniqueDatabase('demo_then_production'), { mode: 'demo' });
    await (await startServer(demo, createLogger('test-server', demo.logLevel))).close();
    const production = { ...demo, mode: 'production' as const };
    await expect(startServer(production, createLogger('test-server', demo.logLevel))).rejects.toThrow(
      'RPM_MODE=production, but these accounts still have the published demo password: admin, nurse.ayesha, dr.farooq, nurse.bilal, dr.sana.',
    );
  });
});
