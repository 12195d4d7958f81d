/**
 * Administration from the command line, for the operator (`npm run admin -- <command>`):
 *
 *   create-user <id> <nurse|doctor|admin> <display name>   password from RPM_NEW_PASSWORD or stdin
 *   mosquitto-auth <dir>                                   writes passwd and acl for Mosquitto
 *
 * It opens the records database itself (RPM_DATA_DIR or RPM_RECORDS_URL): with the embedded
 * database, stop the server first (only one process may open it).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../common/config.ts';
import { describeIssues } from '../common/describe-issues.ts';
import { exitOnConfigError } from '../common/process-lifecycle.ts';
import { openRecordsDb } from '../records/records-db.ts';
import { createUser, NewUser } from '../records/users.ts';
import { writeMosquittoAuth } from './mosquitto-auth.ts';

const AdminConfig = z.object({
  dataDir: z.string().min(1).default('.data/server'),
  records: z
    .object({ url: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL' }).optional() })
    .default({}),
  mqtt: z
    .object({ username: z.string().min(1).optional(), password: z.string().min(1).optional() })
    .default({}),
});

const USAGE = `usage:
  npm run admin -- create-user <id> <nurse|doctor|admin> <display name>   (password: RPM_NEW_PASSWORD or stdin)
  npm run admin -- mosquitto-auth <dir>`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

let config: z.output<typeof AdminConfig>;
try {
  config = loadConfig(AdminConfig);
} catch (err) {
  exitOnConfigError(err);
}
const [command, ...args] = process.argv.slice(2);
if (command !== 'create-user' && command !== 'mosquitto-auth') fail(USAGE);

const db = await openRecordsDb(
  config.records.url ? { url: config.records.url } : { dataDir: `${config.dataDir}/records` },
);
try {
  if (command === 'create-user') {
    const [id, role, ...name] = args;
    const password = process.env.RPM_NEW_PASSWORD ?? readFileSync(0, 'utf8').trim();
    const user = NewUser.safeParse({ id, role, displayName: name.join(' '), password });
    if (!user.success) {
      fail(`${describeIssues(user.error)}\n${USAGE}`);
    }
    await createUser(db, user.data, 'admin-command');
    process.stdout.write(`created ${user.data.role} '${user.data.id}'\n`);
  } else {
    const [dir] = args;
    if (!dir) fail(USAGE);
    const { username, password } = config.mqtt;
    if (!username || !password) {
      throw new ConfigError([
        'RPM_MQTT_USERNAME and RPM_MQTT_PASSWORD: the ingest account to include in the password file is not set',
      ]);
    }
    await writeMosquittoAuth(db, { ingest: { username, password } }, dir);
    process.stdout.write(`wrote ${dir}/passwd and ${dir}/acl; send Mosquitto a SIGHUP to reload them\n`);
  }
} catch (err) {
  if (err instanceof ConfigError) exitOnConfigError(err);
  fail(`${command} failed: ${(err as Error).message}`);
} finally {
  await db.close();
}
