/** Battery Level (0x2A19, read/notify): uint8 percent, 0-100; 101-255 reserved. */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import { type Decoded, GattEncodeError } from './decode-result.ts';

/** The Battery service (0x180F, Bluetooth SIG Assigned Numbers), as noble spells it. */
export const BATTERY_SERVICE = '180f';

export const BATTERY_LEVEL_UUID = '2a19';
export const BATTERY_LEVEL_NAME = 'Battery Level';

export interface BatteryLevel {
  percent: number;
}

export function decodeBatteryLevel(bytes: Uint8Array): Decoded<BatteryLevel> {
  return decodeGatt(BATTERY_LEVEL_NAME, bytes, (reader) => {
    const percent = reader.uint8('battery level');
    if (percent > 100) reader.fail('reserved', 'battery level', 0, `battery level ${percent} is above 100 %`);
    return { percent };
  });
}

export function encodeBatteryLevel(value: BatteryLevel): Uint8Array {
  if (value.percent > 100) throw new GattEncodeError('battery level', `${value.percent} is above 100 %`);
  return new ByteWriter().uint8(value.percent, 'battery level').toBytes();
}

export const BATTERY_LEVEL = plain({
  uuid: BATTERY_LEVEL_UUID,
  name: BATTERY_LEVEL_NAME,
  decode: decodeBatteryLevel,
  examples: [
    { hex: '5a', what: '90 %' },
    { hex: '64', what: '100 %' },
    { hex: '00', what: '0 %' },
  ],
});
