/**
 * Demo mode (`RPM_MODE=demo`, what `npm start` runs): on first start, a small clinic with
 * fictional patients, two care teams, staff logins and two home gateways whose credentials
 * are written to `<data dir>/demo-gateways.json` for the run command's virtual gateways.
 * Production mode never seeds anything and has no default passwords.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveCarePlan } from '../alerts/alert-store.ts';
import type { Logger } from '../common/log.ts';
import { assignPatientToCareTeam, createCareTeam } from '../records/care-teams.ts';
import { assignPatientToGateway, createGateway, issueGatewayCredentials } from '../records/gateways.ts';
import { verifyPassword } from '../records/password-hash.ts';
import { createPatient } from '../records/patients.ts';
import type { RecordsDb } from '../records/records-db.ts';
import type { Role } from '../records/staff.ts';
import { createUser } from '../records/users.ts';

export const DEMO_PASSWORD = 'demo-password-123';

export const DEMO_USERS: { id: string; displayName: string; role: Role }[] = [
  { id: 'admin', displayName: 'Clinic administrator', role: 'admin' },
  { id: 'nurse.ayesha', displayName: 'Nurse Ayesha', role: 'nurse' },
  { id: 'dr.farooq', displayName: 'Dr Farooq', role: 'doctor' },
  { id: 'nurse.bilal', displayName: 'Nurse Bilal', role: 'nurse' },
  { id: 'dr.sana', displayName: 'Dr Sana', role: 'doctor' },
];

const TEAMS = [
  { id: 'ward-a', name: 'Ward A (diabetes)', members: ['nurse.ayesha', 'dr.farooq'] },
  { id: 'ward-b', name: 'Ward B (heart and lungs)', members: ['nurse.bilal', 'dr.sana'] },
];

/**
 * Each demo home: its gateway and the patients living there, with their care team and
 * condition (the care plan the demo gives them, and the simulated devices their gateway
 * runs, gateway/simulator/household.ts: diabetes a glucose meter and CGM, copd a pulse
 * oximeter, heart a heart-rate strap and a pulse oximeter, hypertension a blood-pressure
 * cuff used morning and evening, heart_failure a scale used every morning).
 */
export const DEMO_HOMES = [
  {
    gatewayId: 'gw-home-1',
    patients: [
      { id: 'P-1001', displayName: 'Amina Bibi', team: 'ward-a', condition: 'diabetes' },
      { id: 'P-1002', displayName: 'Rashid Khan', team: 'ward-b', condition: 'copd' },
    ],
  },
  {
    gatewayId: 'gw-home-2',
    patients: [
      { id: 'P-1003', displayName: 'Fatima Noor', team: 'ward-b', condition: 'heart' },
      { id: 'P-1101', displayName: 'Ghulam Mustafa', team: 'ward-b', condition: 'hypertension' },
      { id: 'P-1102', displayName: 'Zainab Hussain', team: 'ward-b', condition: 'heart_failure' },
    ],
  },
] as const;

const CARE_PLAN_OF = {
  diabetes: 'diabetes',
  copd: 'copd',
  heart: 'heart_failure',
  hypertension: 'hypertension',
  heart_failure: 'heart_failure',
} as const;

export interface DemoGatewayCredentials {
  gatewayId: string;
  secret: string;
  patientIds: string[];
  /** `P-1001=diabetes,P-1002=copd`: the simulated household (gateway RPM_VIRTUAL_HOUSEHOLD). */
  household: string;
}

const demoGatewaysFile = (dataDir: string) => join(dataDir, 'demo-gateways.json');

/** The demo homes' gateway credentials seedDemo wrote into `dataDir`. */
export function readDemoGateways(dataDir: string): DemoGatewayCredentials[] {
  return JSON.parse(readFileSync(demoGatewaysFile(dataDir), 'utf8')) as DemoGatewayCredentials[];
}

export async function seedDemo(db: RecordsDb, dataDir: string, log: Logger): Promise<void> {
  if ((await db.query('SELECT 1 FROM users LIMIT 1')).length) return;
  const actor = 'demo-seed';
  for (const user of DEMO_USERS) {
    await createUser(db, { ...user, email: `${user.id}@clinic.invalid`, password: DEMO_PASSWORD }, actor);
  }
  for (const team of TEAMS) {
    await createCareTeam(
      db,
      {
        id: team.id,
        name: team.name,
        members: team.members.map((userId, i) => ({ userId, escalationOrder: i + 1 })),
      },
      actor,
    );
  }
  const credentials: DemoGatewayCredentials[] = [];
  for (const home of DEMO_HOMES) {
    await createGateway(db, { id: home.gatewayId, label: `Demo home ${home.gatewayId.slice(-1)}` }, actor);
    for (const p of home.patients) {
      await createPatient(db, { id: p.id, displayName: p.displayName }, actor);
      await assignPatientToGateway(db, home.gatewayId, p.id, actor);
      await assignPatientToCareTeam(db, p.team, p.id, actor);
      await saveCarePlan(db, { patientId: p.id, templates: [CARE_PLAN_OF[p.condition]] }, actor, new Date());
    }
    const secret = await issueGatewayCredentials(db, home.gatewayId, actor);
    credentials.push({
      gatewayId: home.gatewayId,
      secret,
      patientIds: home.patients.map((p) => p.id),
      household: home.patients.map((p) => `${p.id}=${p.condition}`).join(','),
    });
  }
  writeFileSync(demoGatewaysFile(dataDir), `${JSON.stringify(credentials, null, 2)}\n`, {
    mode: 0o600,
  });
  log.info({ users: DEMO_USERS.length, gateways: credentials.length }, 'demo clinic seeded');
}

/** Production mode on records that still hold demo accounts with the demo password. */
export class DemoAccountsInProductionError extends Error {
  constructor(readonly userIds: string[]) {
    super(
      `RPM_MODE=production, but these accounts still have the published demo password: ${userIds.join(', ')}. ` +
        'Deactivate them or give them new passwords in Administration > Users (start once with RPM_MODE=demo ' +
        'to do so), or start production on empty records.',
    );
    this.name = 'DemoAccountsInProductionError';
  }
}

/** Refuses to serve in production while any active account opens with the demo password. */
export async function refuseDemoAccounts(db: RecordsDb): Promise<void> {
  // Only the demo ids that exist and are active get a password check (each is a memory-hard
  // hash): records that never held the demo cost one query at start-up.
  const rows = await db.query<{ id: string; password_hash: string }>(
    'SELECT id, password_hash FROM users WHERE active AND id = ANY($1)',
    [DEMO_USERS.map((u) => u.id)],
  );
  const checked = await Promise.all(
    rows.map(async (r) => ((await verifyPassword(DEMO_PASSWORD, r.password_hash)) ? r.id : undefined)),
  );
  const open = DEMO_USERS.map((u) => u.id).filter((id) => checked.includes(id));
  if (open.length > 0) throw new DemoAccountsInProductionError(open);
}
