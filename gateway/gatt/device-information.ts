/**
 * Device Information strings (service 0x180A): manufacturer, model, serial, firmware and
 * software revision. UTF-8; some devices pad with NULs, which are trimmed from the end.
 */
import { decodeGatt } from './byte-reader.ts';
import { type Characteristic, type Example, plain } from './characteristic.ts';
import type { Decoded } from './decode-result.ts';

/** The Device Information service (0x180A, Bluetooth SIG Assigned Numbers), as noble spells it. */
export const DEVICE_INFORMATION_SERVICE = '180a';

const DEVICE_INFORMATION_STRINGS = {
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

function deviceInformation(uuid: DeviceInformationUuid, examples: readonly Example[]): Characteristic {
  const name = DEVICE_INFORMATION_STRINGS[uuid];
  return plain({ uuid, name, decode: (bytes) => decodeDeviceInformationString(bytes, uuid), examples });
}

export const MANUFACTURER_NAME_STRING = deviceInformation(MANUFACTURER_NAME_UUID, [
  { hex: '41 63 6d 65 20 4d 65 64 69 63 61 6c', what: "'Acme Medical'" },
  { hex: '41 63 6d 65 00', what: "'Acme', NUL-padded" },
]);
export const MODEL_NUMBER_STRING = deviceInformation(MODEL_NUMBER_UUID, [
  { hex: '4f 58 2d 32 30 30', what: "'OX-200'" },
  { hex: '4d 31', what: "'M1'" },
]);
export const SERIAL_NUMBER_STRING = deviceInformation(SERIAL_NUMBER_UUID, [
  { hex: '53 4e 2d 34 38 32 31', what: "'SN-4821'" },
  { hex: '53 4e 2d 30 30 31', what: "'SN-001'" },
]);
export const FIRMWARE_REVISION_STRING = deviceInformation(FIRMWARE_REVISION_UUID, [
  { hex: '32 2e 31 2e 30', what: "'2.1.0'" },
  { hex: '31 2e 30', what: "'1.0'" },
]);
export const SOFTWARE_REVISION_STRING = deviceInformation('2a28', [
  { hex: '31 2e 34', what: "'1.4'" },
  { hex: '4b 61 72 c4 81 63 68 c4 ab', what: "'Karāchī', not ASCII" },
]);
