import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayDirectory } from '../ingest/gateway-directory.ts';
import { listAudit } from '../records/audit-log.ts';
import { assignPatientToCareTeam, createCareTeam, listCareTeams } from '../records/care-teams.ts';
import { assignPatientToGateway, createGateway, issueGatewayCredentials } from '../records/gateways.ts';
import { createPatient, isInCareTeamOf, listPatients } from '../records/patients.ts';
import {
  isTransientDatabaseError,
  RecordConflictError,
  RecordNotFoundError,
} from '../records/record-errors.ts';
import { openRecordsDb, type RecordsDb, RecordsDbLockedError } from '../records/records-db.ts';
import { createSession, endSession, sessionUser } from '../records/sessions.ts';
import { checkLogin, createUser, setUserActive } from '../records/users.ts';
import { freshDataDir } from './helpers.ts';
import { startPostgres } from './postgres.ts';

describe('the embedded records database', () => {
  it('refuses a second process on the same directory while the first holds it', async () => {
    const dir = join(freshDataDir(), 'records');
    const db = await openRecordsDb({ dataDir: dir });
    // The lock names a live process (vitest's parent stands in for another server).
    writeFileSync(join(dir, 'records.lock'), String(process.ppid));
    await expect(openRecordsDb({ dataDir: dir })).rejects.toThrow(RecordsDbLockedError);
    writeFileSync(join(dir, 'records.lock'), String(process.pid));
    await db.close();
  });
});

/** The same behaviour on both engines: embedded PGlite and a real PostgreSQL server. */
const ENGINES = [
  {
    engine: 'embedded PGlite',
    open: async () => ({
      db: await openRecordsDb({ dataDir: join(freshDataDir(), 'records') }),
      stop: async () => {},
    }),
  },
  {
    engine: 'PostgreSQL',
    open: async () => {
      const server = await startPostgres(mkdtempSync(join(tmpdir(), 'rpm-pg-')));
      return { db: await openRecordsDb({ url: server.url }), stop: server.stop };
    },
  },
];

describe.each(ENGINES)('the records database on $engine', ({ open }) => {
  let db: RecordsDb;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, stop } = await open());
    for (const [id, role] of [
      ['nurse.a', 'nurse'],
      ['dr.a', 'doctor'],
      ['nurse.b', 'nurse'],
    ] as const) {
      await createUser(db, { id, displayName: id, role, password: 'correct horse battery' }, 'test');
    }
    await createPatient(db, { id: 'P1', displayName: 'Amina' }, 'test');
    await createPatient(db, { id: 'P2', displayName: 'Rashid' }, 'test');
    await createCareTeam(
      db,
      {
        id: 'team-a',
        name: 'A',
        members: [
          { userId: 'nurse.a', escalationOrder: 1 },
          { userId: 'dr.a', escalationOrder: 2 },
        ],
      },
      'admin',
    );
    await createCareTeam(
      db,
      { id: 'team-b', name: 'B', members: [{ userId: 'nurse.b', escalationOrder: 1 }] },
      'admin',
    );
    await assignPatientToCareTeam(db, 'team-a', 'P1', 'admin');
    await assignPatientToCareTeam(db, 'team-b', 'P2', 'admin');
  });
  afterAll(async () => {
    await db?.close();
    await stop?.();
  });

  it('shows a nurse only the patients of her care teams', async () => {
    expect((await listPatients(db, { careTeamsOf: 'nurse.a' })).map((p) => p.id)).toEqual(['P1']);
    expect((await listPatients(db, { careTeamsOf: 'nurse.b' })).map((p) => p.id)).toEqual(['P2']);
    expect((await listPatients(db)).map((p) => p.id)).toEqual(['P1', 'P2']);
    expect(await isInCareTeamOf(db, 'dr.a', 'P1')).toBe(true);
    expect(await isInCareTeamOf(db, 'dr.a', 'P2')).toBe(false);
  });

  it("lists a patient's care team in escalation order", async () => {
    const [team] = await listCareTeams(db, { patientId: 'P1' });
    expect(team?.members.map((m) => [m.userId, m.escalationOrder])).toEqual([
      ['nurse.a', 1],
      ['dr.a', 2],
    ]);
  });

  it('refuses duplicates and unknown references with a clear message', async () => {
    await expect(createPatient(db, { id: 'P1', displayName: 'x' }, 'admin')).rejects.toThrow(
      new RecordConflictError("patient 'P1' already exists"),
    );
    await expect(assignPatientToCareTeam(db, 'team-a', 'P404', 'admin')).rejects.toThrow(
      new RecordNotFoundError('patient', 'P404'),
    );
  });

  it('logs in with the right password only, and not once deactivated', async () => {
    expect((await checkLogin(db, 'nurse.a', 'correct horse battery'))?.role).toBe('nurse');
    expect(await checkLogin(db, 'nurse.a', 'wrong horse battery')).toBeUndefined();
    expect(await checkLogin(db, 'nobody', 'correct horse battery')).toBeUndefined();
    const now = new Date('2026-11-26T08:00:00Z');
    const token = await createSession(db, 'nurse.b', now, 3_600_000);
    expect((await sessionUser(db, token, now))?.id).toBe('nurse.b');
    await setUserActive(db, 'nurse.b', false, 'admin');
    expect(await sessionUser(db, token, now)).toBeUndefined();
    expect(await checkLogin(db, 'nurse.b', 'correct horse battery')).toBeUndefined();
    await setUserActive(db, 'nurse.b', true, 'admin');
  });

  it('expires sessions and ends them on logout', async () => {
    const now = new Date('2026-11-26T08:00:00Z');
    const token = await createSession(db, 'nurse.a', now, 60_000);
    expect(await sessionUser(db, token, new Date(now.getTime() + 59_000))).toBeDefined();
    expect(await sessionUser(db, token, new Date(now.getTime() + 61_000))).toBeUndefined();
    const other = await createSession(db, 'nurse.a', now, 60_000);
    await endSession(db, other);
    expect(await sessionUser(db, other, now)).toBeUndefined();
  });

  it('admits a gateway with its current secret only, and knows whose readings it may send', async () => {
    await createGateway(db, { id: 'GW1' }, 'admin');
    await assignPatientToGateway(db, 'GW1', 'P1', 'admin');
    const first = await issueGatewayCredentials(db, 'GW1', 'admin');
    const directory = new GatewayDirectory(db);
    expect(await directory.authenticate('GW1', first)).toBe(true);
    const second = await issueGatewayCredentials(db, 'GW1', 'admin');
    expect(await directory.authenticate('GW1', first)).toBe(false);
    expect(await directory.authenticate('GW1', second)).toBe(true);
    expect(await directory.authenticate('GW404', second)).toBe(false);
    // Refused connects leave nothing behind: the cache holds only gateways that authenticated.
    const held = directory.cachedGateways;
    for (let i = 0; i < 500; i++) expect(await directory.authenticate(`intruder-${i}`, 'guess')).toBe(false);
    expect(directory.cachedGateways).toBe(held);
    expect(Object.fromEntries(await directory.checkPatients('GW1', ['P1', 'P2', 'P9']))).toEqual({
      P1: 'ok',
      P2: 'patient_not_on_gateway',
      P9: 'patient_not_on_gateway',
    });
  });

  it('records every change in the audit log with who did it', async () => {
    const entries = await listAudit(db, { targetType: 'gateway', targetId: 'GW1' });
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ['admin', 'gateway.issue_credentials'],
      ['admin', 'gateway.issue_credentials'],
      ['admin', 'gateway.assign_patient'],
      ['admin', 'gateway.create'],
    ]);
    // Secrets never reach the audit log.
    expect(JSON.stringify(entries)).not.toMatch(/secret|sha256/i);
  });
});

describe('errors of the records database', () => {
  it('tells a refusal that will repeat from an outage that may pass', async () => {
    const db = await openRecordsDb({ dataDir: join(freshDataDir(), 'records') });
    const refusal = await db
      .query('INSERT INTO patients (id, display_name) VALUES ($1, $2)', ['P\u0000', 'x'])
      .catch((e: unknown) => e);
    expect(isTransientDatabaseError(refusal)).toBe(false);
    await db.close();
    const closed = await db.query('SELECT 1').catch((e: unknown) => e);
    expect(isTransientDatabaseError(closed)).toBe(true);
    expect(isTransientDatabaseError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
    // A fault in our own code fails the same way every time: retried, it would wedge the queue.
    expect(
      isTransientDatabaseError(new TypeError("Cannot read properties of undefined (reading 'id')")),
    ).toBe(false);
    // Nor does a refusal of the records' own: an unknown patient stays unknown.
    expect(isTransientDatabaseError(new RecordNotFoundError('patient', 'P-404'))).toBe(false);
  });

  it('fails a statement to a PostgreSQL that hangs within its timeout, and works again after', async () => {
    const server = await startPostgres(mkdtempSync(join(tmpdir(), 'rpm-pg-hung-')));
    const db = await openRecordsDb({ url: server.url, queryTimeoutMs: 1_000 });
    try {
      server.pause();
      const started = performance.now();
      const err = await db.transaction((tx) => tx.query('SELECT 1')).catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect((err as Error).message).toMatch(/timeout/i);
      expect(isTransientDatabaseError(err)).toBe(true);
    } finally {
      server.resume();
    }
    await expect
      .poll(() => db.query('SELECT 1 AS one').catch(() => []), { timeout: 10_000 })
      .toEqual([{ one: 1 }]);
    await db.close();
    await server.stop();
  }, 60_000);
});
