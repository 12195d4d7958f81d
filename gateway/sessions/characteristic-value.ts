/**
 * Decoding what a device sent, for the sessions: a malformed value is dropped with a warning
 * that names the device and the characteristic and shows the bytes, and the session carries on.
 */
import type { Logger } from '../../common/log.ts';
import type { Decoded, GattDecodeError } from '../gatt/decode-result.ts';
import { formatHexBytes } from '../gatt/hex-bytes.ts';

export function warnMalformed(
  log: Logger,
  deviceId: string,
  characteristicUuid: string,
  bytes: Uint8Array,
  error: GattDecodeError,
): void {
  log.warn(
    {
      deviceId,
      characteristic: characteristicUuid,
      problem: error.problem,
      offset: error.offset,
      bytes: formatHexBytes(bytes),
    },
    `malformed value dropped: ${error.message}`,
  );
}

/** The decoded value, or undefined after a warning. */
export function decodedValue<T>(
  log: Logger,
  deviceId: string,
  characteristicUuid: string,
  bytes: Uint8Array,
  decoded: Decoded<T>,
): T | undefined {
  if (decoded.ok) return decoded.value;
  warnMalformed(log, deviceId, characteristicUuid, bytes, decoded.error);
  return undefined;
}
