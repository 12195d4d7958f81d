/**
 * PLX Features (0x2A60, read): supported features (uint16, bits 8-15 reserved); if bit 0,
 * the supported measurement status bits (uint16); if bit 1, the supported device and
 * sensor status bits (uint24).
 */
import { decodeGatt } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { plain } from './characteristic.ts';
import { type Decoded, GattEncodeError } from './decode-result.ts';
import type { NameOf } from './named-values.ts';
import {
  PLX_DEVICE_AND_SENSOR_STATUS,
  PLX_MEASUREMENT_STATUS,
  type PlxDeviceAndSensorStatus,
  type PlxMeasurementStatus,
} from './plx-status.ts';

/** The Pulse Oximeter service (0x1822, Bluetooth SIG Assigned Numbers), as noble spells it. */
export const PULSE_OXIMETER_SERVICE = '1822';

export const PLX_FEATURES_UUID = '2a60';
export const PLX_FEATURES_NAME = 'PLX Features';

export const PLX_SUPPORTED_FEATURES = {
  measurement_status: 0,
  device_and_sensor_status: 1,
  measurement_storage_for_spot_check: 2,
  timestamp_for_spot_check: 3,
  spo2pr_fast: 4,
  spo2pr_slow: 5,
  pulse_amplitude_index: 6,
  multiple_bonds: 7,
} as const;
export type PlxSupportedFeature = NameOf<typeof PLX_SUPPORTED_FEATURES>;

export interface PlxFeatures {
  supportedFeatures: PlxSupportedFeature[];
  /** Present exactly when supportedFeatures includes 'measurement_status'. */
  measurementStatusSupport?: PlxMeasurementStatus[];
  /** Present exactly when supportedFeatures includes 'device_and_sensor_status'. */
  deviceAndSensorStatusSupport?: PlxDeviceAndSensorStatus[];
}

export function decodePlxFeatures(bytes: Uint8Array): Decoded<PlxFeatures> {
  return decodeGatt(PLX_FEATURES_NAME, bytes, (reader) => {
    const supportedFeatures = reader.bits(PLX_SUPPORTED_FEATURES, 2, 'supported features');
    return {
      supportedFeatures,
      ...(supportedFeatures.includes('measurement_status')
        ? { measurementStatusSupport: reader.bits(PLX_MEASUREMENT_STATUS, 2, 'measurement status support') }
        : {}),
      ...(supportedFeatures.includes('device_and_sensor_status')
        ? {
            deviceAndSensorStatusSupport: reader.bits(
              PLX_DEVICE_AND_SENSOR_STATUS,
              3,
              'device and sensor status support',
            ),
          }
        : {}),
    };
  });
}

export function encodePlxFeatures(features: PlxFeatures): Uint8Array {
  const consistent = (feature: PlxSupportedFeature, field: unknown) =>
    features.supportedFeatures.includes(feature) === (field !== undefined);
  if (!consistent('measurement_status', features.measurementStatusSupport)) {
    throw new GattEncodeError(
      'measurement status support',
      "must be given exactly when 'measurement_status' is listed",
    );
  }
  if (!consistent('device_and_sensor_status', features.deviceAndSensorStatusSupport)) {
    throw new GattEncodeError(
      'device and sensor status support',
      "must be given exactly when 'device_and_sensor_status' is listed",
    );
  }
  const writer = new ByteWriter().bits(
    PLX_SUPPORTED_FEATURES,
    2,
    features.supportedFeatures,
    'supported features',
  );
  if (features.measurementStatusSupport) {
    writer.bits(PLX_MEASUREMENT_STATUS, 2, features.measurementStatusSupport, 'measurement status support');
  }
  if (features.deviceAndSensorStatusSupport) {
    writer.bits(
      PLX_DEVICE_AND_SENSOR_STATUS,
      3,
      features.deviceAndSensorStatusSupport,
      'device and sensor status support',
    );
  }
  return writer.toBytes();
}

export const PLX_FEATURES = plain({
  uuid: PLX_FEATURES_UUID,
  name: PLX_FEATURES_NAME,
  decode: decodePlxFeatures,
  examples: [
    { hex: '01 00 c0 00', what: 'measurement status support present; early estimate and validated data' },
    { hex: '00 00', what: 'no features' },
    { hex: '03 00 e0 7f ff ff 00', what: 'every measurement and device status bit supported' },
    { hex: 'f8 00', what: 'spot-check timestamp, fast and slow SpO2, PAI, multiple bonds' },
  ],
});
