/**
 * Clinic staff accounts. Roles: `nurse` (ward view, acknowledges alerts), `doctor` (also
 * edits care plans), `admin` (registers patients, gateways, users and care teams; no
 * clinical views). Passwords are hashed with scrypt (password-hash.ts).
 */
import { z } from 'zod';
import { text } from '../common/text.ts';
import { recordAudit } from './audit-log.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import { passwordProblem, refusePoorPassword } from './password-policy.ts';
import { isUniqueViolation, RecordConflictError, RecordNotFoundError } from './record-errors.ts';
import type { RecordsDb, SqlClient } from './records-db.ts';
import { Role, UserId } from './staff.ts';

/**
 * Long enough to resist guessing, not a common, breached, repetitive or sequential one; no
 * composition rules (NIST SP 800-63B; password-policy.ts).
 */
export const Password = text()
  .min(12, 'expected at least 12 characters')
  .max(200)
  .superRefine(refusePoorPassword);

export const NewUser = z
  .strictObject({
    id: UserId,
    displayName: text().trim().min(1).max(80),
    role: Role,
    email: z.email().optional(),
    password: Password,
  })
  .superRefine((user, ctx) => {
    if (passwordProblem(user.password, user.id) === 'contains the user name') {
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message: 'this password contains the user name: choose another',
      });
    }
  });
export type NewUser = z.infer<typeof NewUser>;

/** A user as the records hold it (and the admin screen lists it): never the password hash. */
export const User = z.strictObject({
  id: UserId,
  displayName: z.string(),
  role: Role,
  email: z.string().nullable(),
  active: z.boolean(),
});
export type User = z.infer<typeof User>;

interface UserRow {
  id: string;
  display_name: string;
  role: Role;
  email: string | null;
  active: boolean;
  password_hash: string;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  displayName: r.display_name,
  role: r.role,
  email: r.email,
  active: r.active,
});

export async function createUser(db: RecordsDb, input: NewUser, actor: string): Promise<void> {
  const hash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    try {
      await tx.query(
        'INSERT INTO users (id, display_name, role, email, password_hash) VALUES ($1, $2, $3, $4, $5)',
        [input.id, input.displayName, input.role, input.email ?? null, hash],
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new RecordConflictError(`user '${input.id}' already exists`);
      throw err;
    }
    await recordAudit(tx, {
      actor,
      action: 'user.create',
      targetType: 'user',
      targetId: input.id,
      detail: { role: input.role },
    });
  });
}

export async function listUsers(db: SqlClient): Promise<User[]> {
  return (await db.query<UserRow>('SELECT * FROM users ORDER BY id')).map(toUser);
}

export async function countAdmins(db: SqlClient): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active",
  );
  return row?.n ?? 0;
}

/** The active user with this id and password, or undefined (same answer for both failures). */
export async function checkLogin(db: SqlClient, id: string, password: string): Promise<User | undefined> {
  const [row] = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  if (!row) {
    // Spend the same time as a real check, so response times do not reveal which ids exist.
    await verifyPassword(password, DUMMY_HASH);
    return undefined;
  }
  return row.active && (await verifyPassword(password, row.password_hash)) ? toUser(row) : undefined;
}
const DUMMY_HASH = await hashPassword('timing-equaliser-not-a-password');

export async function setUserActive(
  db: RecordsDb,
  id: string,
  active: boolean,
  actor: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx.query('UPDATE users SET active = $2 WHERE id = $1 RETURNING id', [id, active]);
    if (!rows.length) throw new RecordNotFoundError('user', id);
    if (!active) await tx.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    await recordAudit(tx, {
      actor,
      action: active ? 'user.activate' : 'user.deactivate',
      targetType: 'user',
      targetId: id,
    });
  });
}

export async function setUserPassword(
  db: RecordsDb,
  id: string,
  password: string,
  actor: string,
): Promise<void> {
  const hash = await hashPassword(Password.parse(password));
  await db.transaction(async (tx) => {
    const rows = await tx.query('UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING id', [id, hash]);
    if (!rows.length) throw new RecordNotFoundError('user', id);
    await tx.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    await recordAudit(tx, { actor, action: 'user.set_password', targetType: 'user', targetId: id });
  });
}
