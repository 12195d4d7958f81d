/**
 * Device Information strings (service 0x180A): manufacturer, model, serial, firmware and
 * software revision. UTF-8; some devices pad with NULs, which are trimmed from the end.
 */
import { decodeGatt } from './byte-reader.ts';
import type { Decoded } from './decode-result.ts';

export const DEVICE_INFORMATION_STRINGS = {
  '2a29': 'Manufacturer Name String',
  '2a24': 'Model Number String',
  '2a25': 'Serial Number String',
  '2a26': 'Firmware Revision String',
  '2a28': 'Software Revision String',
} as const;
export type DeviceInformationUuid = keyof typeof DEVICE_INFORMATION_STRINGS;

export const MANUFACTURER_NAME_UUID = '2a29';
export const MODEL_NUMBER_UUID = '2a24';
export const SERIAL_NUMBER_UUID = '2a25';
export const FIRMWARE_REVISION_UUID = '2a26';
export const SOFTWARE_REVISION_UUID = '2a28';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeDeviceInformationString(
  bytes: Uint8Array,
  uuid: DeviceInformationUuid,
): Decoded<string> {
  return decodeGatt(DEVICE_INFORMATION_STRINGS[uuid], bytes, (reader) => {
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    const text = reader.rest().subarray(0, end);
    const nul = text.indexOf(0);
    if (nul >= 0) reader.fail('invalid', 'string', nul, 'NUL byte inside the string');
    try {
      return utf8.decode(text);
    } catch {
      return reader.fail('invalid', 'string', 0, 'not valid UTF-8');
    }
  });
}

export function encodeDeviceInformationString(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
