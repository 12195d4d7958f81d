/**
 * Care teams: the nurses and doctors who look after a set of patients, in escalation order.
 * A nurse or doctor sees only the patients of their teams; an alert that stays
 * unacknowledged escalates from order 1 to 2 and on.
 */
import { z } from 'zod';
import { recordAudit } from './audit-log.ts';
import { isUniqueViolation, RecordConflictError, RecordNotFoundError } from './record-errors.ts';
import type { RecordsDb, SqlClient } from './records-db.ts';
import { CareTeam, CareTeamMember, type Role } from './staff.ts';

/** The members an admin sets: who, and when they are called. */
export const CareTeamMembers = z.array(CareTeamMember.pick({ userId: true, escalationOrder: true })).max(50);

export const NewCareTeam = CareTeam.pick({ id: true, name: true }).extend({
  members: CareTeamMembers.default([]),
});
export type NewCareTeam = z.input<typeof NewCareTeam>;

async function replaceMembers(
  tx: SqlClient,
  teamId: string,
  members: z.infer<typeof CareTeamMembers>,
): Promise<void> {
  await tx.query('DELETE FROM care_team_members WHERE team_id = $1', [teamId]);
  for (const m of members) {
    const user = await tx.query<{ role: Role }>('SELECT role FROM users WHERE id = $1', [m.userId]);
    if (!user[0]) throw new RecordNotFoundError('user', m.userId);
    if (user[0].role === 'admin') {
      throw new RecordConflictError(`user '${m.userId}' is an admin; care teams hold nurses and doctors`);
    }
    await tx.query('INSERT INTO care_team_members (team_id, user_id, escalation_order) VALUES ($1, $2, $3)', [
      teamId,
      m.userId,
      m.escalationOrder,
    ]);
  }
}

export async function createCareTeam(db: RecordsDb, input: NewCareTeam, actor: string): Promise<void> {
  const team = NewCareTeam.parse(input);
  await db.transaction(async (tx) => {
    try {
      await tx.query('INSERT INTO care_teams (id, name) VALUES ($1, $2)', [team.id, team.name]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new RecordConflictError(`care team '${team.id}' already exists`);
      throw err;
    }
    await replaceMembers(tx, team.id, team.members);
    await recordAudit(tx, {
      actor,
      action: 'care_team.create',
      targetType: 'care_team',
      targetId: team.id,
      detail: { members: team.members },
    });
  });
}

export async function setCareTeamMembers(
  db: RecordsDb,
  teamId: string,
  members: z.input<typeof CareTeamMembers>,
  actor: string,
): Promise<void> {
  const parsed = CareTeamMembers.parse(members);
  await db.transaction(async (tx) => {
    if (!(await tx.query('SELECT 1 FROM care_teams WHERE id = $1', [teamId])).length) {
      throw new RecordNotFoundError('care team', teamId);
    }
    await replaceMembers(tx, teamId, parsed);
    await recordAudit(tx, {
      actor,
      action: 'care_team.set_members',
      targetType: 'care_team',
      targetId: teamId,
      detail: { members: parsed },
    });
  });
}

export async function assignPatientToCareTeam(
  db: RecordsDb,
  teamId: string,
  patientId: string,
  actor: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await tx.query('SELECT 1 FROM care_teams WHERE id = $1', [teamId])).length) {
      throw new RecordNotFoundError('care team', teamId);
    }
    if (!(await tx.query('SELECT 1 FROM patients WHERE id = $1', [patientId])).length) {
      throw new RecordNotFoundError('patient', patientId);
    }
    await tx.query(
      'INSERT INTO patient_care_teams (patient_id, team_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [patientId, teamId],
    );
    await recordAudit(tx, {
      actor,
      action: 'care_team.assign_patient',
      targetType: 'care_team',
      targetId: teamId,
      detail: { patientId },
    });
  });
}

interface MemberRow {
  team_id: string;
  user_id: string;
  display_name: string;
  role: Exclude<Role, 'admin'>;
  email: string | null;
  escalation_order: number;
}

/** All care teams, or those of one patient, with members in escalation order. */
export async function listCareTeams(db: SqlClient, scope: { patientId?: string } = {}): Promise<CareTeam[]> {
  const ofPatient = scope.patientId
    ? 'WHERE t.id IN (SELECT team_id FROM patient_care_teams WHERE patient_id = $1)'
    : '';
  const params = scope.patientId ? [scope.patientId] : [];
  const teams = await db.query<{ id: string; name: string; patient_ids: string[] | null }>(
    `SELECT t.id, t.name,
       (SELECT array_agg(patient_id ORDER BY patient_id) FROM patient_care_teams p WHERE p.team_id = t.id) AS patient_ids
     FROM care_teams t ${ofPatient} ORDER BY t.id`,
    params,
  );
  const members = await db.query<MemberRow>(
    `SELECT m.team_id, m.user_id, u.display_name, u.role, u.email, m.escalation_order
     FROM care_team_members m JOIN users u ON u.id = m.user_id AND u.role <> 'admin'
       JOIN care_teams t ON t.id = m.team_id
     ${ofPatient} ORDER BY m.escalation_order, m.user_id`,
    params,
  );
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    patientIds: t.patient_ids ?? [],
    members: members
      .filter((m) => m.team_id === t.id)
      .map((m) => ({
        userId: m.user_id,
        displayName: m.display_name,
        role: m.role,
        email: m.email,
        escalationOrder: m.escalation_order,
      })),
  }));
}
