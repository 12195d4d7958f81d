/**
 * The characteristic table: the decoders by characteristic UUID, as noble names them
 * (lowercase 16-bit hex). It is built from the device profiles' characteristics and the
 * shared ones (profiles/registry.ts); the gateway and the decode command look decoders up
 * there.
 */
import { BATTERY_LEVEL } from './battery-level.ts';
import type { Characteristic } from './characteristic.ts';
import { CURRENT_TIME } from './current-time.ts';
import { DATE_TIME } from './date-time.ts';
import {
  FIRMWARE_REVISION_STRING,
  MANUFACTURER_NAME_STRING,
  MODEL_NUMBER_STRING,
  SERIAL_NUMBER_STRING,
  SOFTWARE_REVISION_STRING,
} from './device-information.ts';
import { RECORD_ACCESS_CONTROL_POINT } from './record-access-control-point.ts';

/** What any device may offer, whatever its kind. */
export const SHARED_CHARACTERISTICS: readonly Characteristic[] = [
  BATTERY_LEVEL,
  DATE_TIME,
  CURRENT_TIME,
  MANUFACTURER_NAME_STRING,
  MODEL_NUMBER_STRING,
  SERIAL_NUMBER_STRING,
  FIRMWARE_REVISION_STRING,
  SOFTWARE_REVISION_STRING,
  RECORD_ACCESS_CONTROL_POINT,
];

/**
 * The characteristics by UUID. A characteristic listed twice (two profiles use it) is one
 * entry; two different ones with the same UUID are a mistake and throw.
 */
export function characteristicTable(
  list: readonly Characteristic[],
): Readonly<Record<string, Characteristic>> {
  const table: Record<string, Characteristic> = {};
  for (const characteristic of list) {
    const listed = table[characteristic.uuid];
    if (listed && listed !== characteristic) {
      throw new Error(
        `two characteristics with UUID ${characteristic.uuid}: ${listed.name} and ${characteristic.name}`,
      );
    }
    table[characteristic.uuid] = characteristic;
  }
  return table;
}

const BASE_UUID_SUFFIX = '00001000800000805f9b34fb';

/**
 * '2A37', '0x2A37', '00002a37-0000-1000-8000-00805f9b34fb' (with or without dashes)
 * -> '2a37'; undefined for anything else.
 */
export function shortUuid(uuid: string): string | undefined {
  const compact = uuid.trim().toLowerCase().replace(/^0x/, '').replaceAll('-', '');
  if (/^[0-9a-f]{4}$/.test(compact)) return compact;
  const long = /^0000([0-9a-f]{4})([0-9a-f]{24})$/.exec(compact);
  return long?.[2] === BASE_UUID_SUFFIX ? long[1] : undefined;
}
