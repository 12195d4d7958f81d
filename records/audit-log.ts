/**
 * The audit log: who viewed, acknowledged and changed what, and when. Written in the same
 * transaction as the change it records, so a change without its audit record cannot exist.
 * Details hold ids and changed settings, never readings or free-text clinical notes beyond
 * what the action itself carries.
 */
import { z } from 'zod';
import type { SqlClient } from './records-db.ts';

export const AuditEntry = z.object({
  id: z.coerce.number(),
  at: z.coerce.date(),
  actor: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export interface AuditRecord {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  detail?: Record<string, unknown>;
  at?: Date;
}

export async function recordAudit(db: SqlClient, entry: AuditRecord): Promise<void> {
  await db.query(
    'INSERT INTO audit_log (at, actor, action, target_type, target_id, detail) VALUES ($1, $2, $3, $4, $5, $6)',
    [entry.at ?? new Date(), entry.actor, entry.action, entry.targetType, entry.targetId, entry.detail ?? {}],
  );
}

interface AuditRow {
  id: string | number;
  at: Date;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  detail: Record<string, unknown>;
}

export async function listAudit(
  db: SqlClient,
  filter: { targetType?: string; targetId?: string; actor?: string; limit?: number } = {},
): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of [
    ['target_type', filter.targetType],
    ['target_id', filter.targetId],
    ['actor', filter.actor],
  ] as const) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  params.push(filter.limit ?? 200);
  const rows = await db.query<AuditRow>(
    `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) =>
    AuditEntry.parse({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      detail: r.detail,
    }),
  );
}
