/**
 * The first admin account comes from the environment (RPM_ADMIN_USERNAME and
 * RPM_ADMIN_PASSWORD) or the `admin` command, never from a built-in default. Once an admin
 * exists the variables are ignored, so rotating the password is done in the dashboard.
 */
import type { Logger } from '../common/log.ts';
import type { RecordsDb } from '../records/records-db.ts';
import { countAdmins, createUser } from '../records/users.ts';

export async function bootstrapAdmin(
  db: RecordsDb,
  admin: { username?: string | undefined; password?: string | undefined },
  log: Logger,
): Promise<void> {
  if (!admin.username || !admin.password || (await countAdmins(db)) > 0) return;
  await createUser(
    db,
    { id: admin.username, displayName: 'Administrator', role: 'admin', password: admin.password },
    'bootstrap',
  );
  log.info({ userId: admin.username }, 'first admin created from RPM_ADMIN_USERNAME');
}
