/**
 * Login sessions: a 256-bit random token in an http-only cookie; the database keeps only
 * its SHA-256, so reading the database does not yield a usable session.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { sha256Hex } from './gateway-credentials.ts';
import type { SqlClient } from './records-db.ts';
import type { Role } from './staff.ts';
import { User } from './users.ts';

/** Who a session belongs to: what every request knows of its user. */
export const SessionUser = User.pick({ id: true, displayName: true, role: true });
export type SessionUser = z.infer<typeof SessionUser>;

export async function createSession(
  db: SqlClient,
  userId: string,
  now: Date,
  ttlMs: number,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query(
    'INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
    [sha256Hex(token), userId, now, new Date(now.getTime() + ttlMs)],
  );
  // Housekeeping rides along with logins rather than needing a timer.
  await db.query('DELETE FROM sessions WHERE expires_at < $1', [now]);
  return token;
}

/** The active user behind a session token, or undefined if expired, unknown or deactivated. */
export async function sessionUser(db: SqlClient, token: string, now: Date): Promise<SessionUser | undefined> {
  const [row] = await db.query<{ id: string; display_name: string; role: Role }>(
    `SELECT u.id, u.display_name, u.role FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND u.active`,
    [sha256Hex(token), now],
  );
  return row && { id: row.id, displayName: row.display_name, role: row.role };
}

export async function endSession(db: SqlClient, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_sha256 = $1', [sha256Hex(token)]);
}
