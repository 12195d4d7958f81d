/**
 * A gateway's MQTT credentials: its id as the username and a 192-bit random secret as the
 * password, shown once when issued and stored only as hashes.
 *
 * The secret is machine-generated with 192 bits of entropy, so a fast hash is safe here
 * (no dictionary to try) and keeps MQTT connects cheap when thousands of gateways reconnect
 * at once after an outage; people's passwords use scrypt (password-hash.ts).
 *
 * For an external Mosquitto the same secret is also hashed in Mosquitto's own password-file
 * format (`$7$`: PBKDF2-SHA512, 101 iterations, 12-byte salt, as `mosquitto_passwd` writes
 * it), so the operator can export a password file (see mosquitto-auth.ts).
 */
import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export interface IssuedSecret {
  secret: string;
  sha256: string;
  mosquittoHash: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const MOSQUITTO_ITERATIONS = 101;

export function mosquittoPasswordHash(secret: string, salt: Buffer = randomBytes(12)): string {
  const hash = pbkdf2Sync(secret, salt, MOSQUITTO_ITERATIONS, 64, 'sha512');
  return `$7$${MOSQUITTO_ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function issueGatewaySecret(): IssuedSecret {
  const secret = randomBytes(24).toString('base64url');
  return { secret, sha256: sha256Hex(secret), mosquittoHash: mosquittoPasswordHash(secret) };
}

export function secretMatches(secret: string, storedSha256: string): boolean {
  const a = Buffer.from(sha256Hex(secret), 'hex');
  const b = Buffer.from(storedSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
