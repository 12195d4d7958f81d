/**
 * Home gateways: registration, credentials (issued once, stored hashed) and which patients
 * each gateway serves. The ingest refuses readings for a patient not registered to the
 * gateway that sent them.
 */
import { z } from 'zod';
import { GatewayId, PatientId } from '../common/contract.ts';
import { text } from '../common/text.ts';
import { recordAudit } from './audit-log.ts';
import { issueGatewaySecret } from './gateway-credentials.ts';
import { isUniqueViolation, RecordConflictError, RecordNotFoundError } from './record-errors.ts';
import type { RecordsDb, SqlClient } from './records-db.ts';

export const NewGateway = z.strictObject({
  id: GatewayId,
  label: text().trim().max(80).default(''),
});
export type NewGateway = z.input<typeof NewGateway>;

export const Gateway = z.strictObject({
  id: GatewayId,
  label: z.string(),
  patientIds: z.array(PatientId),
  credentialsIssuedAt: z.date().nullable(),
});
export type Gateway = z.infer<typeof Gateway>;

export interface GatewayAuthRecord {
  secretSha256: string | null;
  mosquittoHash: string | null;
  patientIds: Set<string>;
}

export async function createGateway(db: RecordsDb, input: NewGateway, actor: string): Promise<void> {
  const gateway = NewGateway.parse(input);
  await db.transaction(async (tx) => {
    try {
      await tx.query('INSERT INTO gateways (id, label) VALUES ($1, $2)', [gateway.id, gateway.label]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new RecordConflictError(`gateway '${gateway.id}' already exists`);
      throw err;
    }
    await recordAudit(tx, { actor, action: 'gateway.create', targetType: 'gateway', targetId: gateway.id });
  });
}

async function requireGateway(db: SqlClient, id: string): Promise<void> {
  if (!(await db.query('SELECT 1 FROM gateways WHERE id = $1', [id])).length) {
    throw new RecordNotFoundError('gateway', id);
  }
}

/**
 * Issues new credentials (replacing any earlier ones, which stop working at once) and
 * returns the secret: the only time it exists in clear.
 */
export async function issueGatewayCredentials(
  db: RecordsDb,
  gatewayId: string,
  actor: string,
): Promise<string> {
  const issued = issueGatewaySecret();
  await db.transaction(async (tx) => {
    await requireGateway(tx, gatewayId);
    await tx.query(
      'UPDATE gateways SET secret_sha256 = $2, mosquitto_hash = $3, credentials_issued_at = now() WHERE id = $1',
      [gatewayId, issued.sha256, issued.mosquittoHash],
    );
    await recordAudit(tx, {
      actor,
      action: 'gateway.issue_credentials',
      targetType: 'gateway',
      targetId: gatewayId,
    });
  });
  return issued.secret;
}

export async function assignPatientToGateway(
  db: RecordsDb,
  gatewayId: string,
  patientId: string,
  actor: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    await requireGateway(tx, gatewayId);
    if (!(await tx.query('SELECT 1 FROM patients WHERE id = $1', [patientId])).length) {
      throw new RecordNotFoundError('patient', patientId);
    }
    await tx.query(
      'INSERT INTO gateway_patients (gateway_id, patient_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [gatewayId, patientId],
    );
    await recordAudit(tx, {
      actor,
      action: 'gateway.assign_patient',
      targetType: 'gateway',
      targetId: gatewayId,
      detail: { patientId },
    });
  });
}

export async function unassignPatientFromGateway(
  db: RecordsDb,
  gatewayId: string,
  patientId: string,
  actor: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM gateway_patients WHERE gateway_id = $1 AND patient_id = $2', [
      gatewayId,
      patientId,
    ]);
    await recordAudit(tx, {
      actor,
      action: 'gateway.unassign_patient',
      targetType: 'gateway',
      targetId: gatewayId,
      detail: { patientId },
    });
  });
}

interface GatewayRow {
  id: string;
  label: string;
  credentials_issued_at: Date | null;
  patient_ids: string[] | null;
}

export async function listGateways(db: SqlClient): Promise<Gateway[]> {
  const rows = await db.query<GatewayRow>(
    `SELECT g.id, g.label, g.credentials_issued_at,
       (SELECT array_agg(patient_id ORDER BY patient_id) FROM gateway_patients p WHERE p.gateway_id = g.id) AS patient_ids
     FROM gateways g ORDER BY g.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    patientIds: r.patient_ids ?? [],
    credentialsIssuedAt: r.credentials_issued_at,
  }));
}

/** What the broker needs to admit a gateway and check its readings; undefined if unknown. */
export async function gatewayAuthRecord(
  db: SqlClient,
  gatewayId: string,
): Promise<GatewayAuthRecord | undefined> {
  const rows = await db.query<{
    secret_sha256: string | null;
    mosquitto_hash: string | null;
    patient_id: string | null;
  }>(
    `SELECT g.secret_sha256, g.mosquitto_hash, p.patient_id
     FROM gateways g LEFT JOIN gateway_patients p ON p.gateway_id = g.id WHERE g.id = $1`,
    [gatewayId],
  );
  const first = rows[0];
  if (!first) return undefined;
  return {
    secretSha256: first.secret_sha256,
    mosquittoHash: first.mosquitto_hash,
    patientIds: new Set(rows.flatMap((r) => (r.patient_id ? [r.patient_id] : []))),
  };
}

/** Every gateway with credentials, for exporting an external broker's password file. */
export async function gatewayMosquittoHashes(db: SqlClient): Promise<{ id: string; hash: string }[]> {
  return db.query<{ id: string; hash: string }>(
    'SELECT id, mosquitto_hash AS hash FROM gateways WHERE mosquitto_hash IS NOT NULL ORDER BY id',
  );
}
