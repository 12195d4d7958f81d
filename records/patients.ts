/**
 * Patients: a pseudonymous id (what travels in MQTT topics, InfluxDB tags and logs) and the
 * display name nurses recognise, which stays in the records database and the dashboard.
 */
import { z } from 'zod';
import { GatewayId, PatientId } from '../common/contract.ts';
import { text } from '../common/text.ts';
import { recordAudit } from './audit-log.ts';
import { isUniqueViolation, RecordConflictError, RecordNotFoundError } from './record-errors.ts';
import type { RecordsDb, SqlClient } from './records-db.ts';
import { CareTeamId } from './staff.ts';

export const NewPatient = z.strictObject({
  id: PatientId,
  displayName: text().trim().min(1).max(80),
});
export type NewPatient = z.infer<typeof NewPatient>;

export const Patient = z.strictObject({
  id: PatientId,
  displayName: z.string(),
  gatewayIds: z.array(GatewayId),
  careTeamIds: z.array(CareTeamId),
});
export type Patient = z.infer<typeof Patient>;

export async function createPatient(db: RecordsDb, input: NewPatient, actor: string): Promise<void> {
  await db.transaction(async (tx) => {
    try {
      await tx.query('INSERT INTO patients (id, display_name) VALUES ($1, $2)', [
        input.id,
        input.displayName,
      ]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new RecordConflictError(`patient '${input.id}' already exists`);
      throw err;
    }
    await recordAudit(tx, { actor, action: 'patient.create', targetType: 'patient', targetId: input.id });
  });
}

interface PatientRow {
  id: string;
  display_name: string;
  gateway_ids: string[] | null;
  care_team_ids: string[] | null;
}

const SELECT_PATIENTS = `
  SELECT p.id, p.display_name,
    (SELECT array_agg(gateway_id ORDER BY gateway_id) FROM gateway_patients g WHERE g.patient_id = p.id) AS gateway_ids,
    (SELECT array_agg(team_id ORDER BY team_id) FROM patient_care_teams t WHERE t.patient_id = p.id) AS care_team_ids
  FROM patients p`;

const toPatient = (r: PatientRow): Patient => ({
  id: r.id,
  displayName: r.display_name,
  gatewayIds: r.gateway_ids ?? [],
  careTeamIds: r.care_team_ids ?? [],
});

/** All patients, or only those in the care teams of `userId` (what a nurse or doctor may see). */
export async function listPatients(db: SqlClient, scope: { careTeamsOf?: string } = {}): Promise<Patient[]> {
  const rows = scope.careTeamsOf
    ? await db.query<PatientRow>(
        `${SELECT_PATIENTS} WHERE p.id IN (
           SELECT pct.patient_id FROM patient_care_teams pct
           JOIN care_team_members m ON m.team_id = pct.team_id WHERE m.user_id = $1)
         ORDER BY p.id`,
        [scope.careTeamsOf],
      )
    : await db.query<PatientRow>(`${SELECT_PATIENTS} ORDER BY p.id`);
  return rows.map(toPatient);
}

export async function getPatient(db: SqlClient, id: string): Promise<Patient> {
  const [row] = await db.query<PatientRow>(`${SELECT_PATIENTS} WHERE p.id = $1`, [id]);
  if (!row) throw new RecordNotFoundError('patient', id);
  return toPatient(row);
}

/** True when `userId` is in one of the patient's care teams. */
export async function isInCareTeamOf(db: SqlClient, userId: string, patientId: string): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM patient_care_teams pct JOIN care_team_members m ON m.team_id = pct.team_id
     WHERE pct.patient_id = $1 AND m.user_id = $2 LIMIT 1`,
    [patientId, userId],
  );
  return rows.length > 0;
}
