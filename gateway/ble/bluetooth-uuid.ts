/**
 * UUIDs as noble spells them: lowercase hex without dashes, and Bluetooth SIG UUIDs (those on
 * the base UUID 0000xxxx-0000-1000-8000-00805F9B34FB) shortened to their 16 bits, e.g. `180d`.
 */

const SIG_BASE_SUFFIX = '00001000800000805f9b34fb';

export class InvalidUuidError extends Error {
  constructor(readonly uuid: string) {
    super(`not a Bluetooth UUID: "${uuid}" (expected 4, 8 or 32 hex digits, e.g. 180d)`);
    this.name = 'InvalidUuidError';
  }
}

/** `'180D'`, `'0x180d'` and `'0000180d-0000-1000-8000-00805f9b34fb'` all become `'180d'`. */
export function normalizeUuid(uuid: string): string {
  const hex = uuid.trim().toLowerCase().replace(/^0x/, '').replaceAll('-', '');
  if (!/^([0-9a-f]{4}|[0-9a-f]{8}|[0-9a-f]{32})$/.test(hex)) throw new InvalidUuidError(uuid);
  if (hex.length === 32 && hex.startsWith('0000') && hex.endsWith(SIG_BASE_SUFFIX)) return hex.slice(4, 8);
  return hex;
}
