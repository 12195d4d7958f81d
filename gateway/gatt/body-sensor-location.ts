/** Body Sensor Location (0x2A38, read): uint8, 0-6 defined, 7-255 reserved. */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import type { Decoded } from './decode-result.ts';
import type { NameOf } from './named-values.ts';

export const BODY_SENSOR_LOCATION_UUID = '2a38';
export const BODY_SENSOR_LOCATION_NAME = 'Body Sensor Location';

/** Names match the contract's BodySensorLocation. */
export const BODY_SENSOR_LOCATIONS = {
  other: 0,
  chest: 1,
  wrist: 2,
  finger: 3,
  hand: 4,
  ear_lobe: 5,
  foot: 6,
} as const;
export type BodySensorLocationName = NameOf<typeof BODY_SENSOR_LOCATIONS>;

export interface BodySensorLocation {
  location: BodySensorLocationName;
}

export function decodeBodySensorLocation(bytes: Uint8Array): Decoded<BodySensorLocation> {
  return decodeGatt(BODY_SENSOR_LOCATION_NAME, bytes, (reader) => ({
    location: reader.code(BODY_SENSOR_LOCATIONS, 1, 'body sensor location'),
  }));
}

export function encodeBodySensorLocation(value: BodySensorLocation): Uint8Array {
  return new ByteWriter().uint8(BODY_SENSOR_LOCATIONS[value.location], 'body sensor location').toBytes();
}

export const BODY_SENSOR_LOCATION = plain({
  uuid: BODY_SENSOR_LOCATION_UUID,
  name: BODY_SENSOR_LOCATION_NAME,
  decode: decodeBodySensorLocation,
  examples: [
    { hex: '01', what: 'chest' },
    { hex: '06', what: 'foot' },
  ],
});
