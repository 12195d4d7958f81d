/**
 * Gateway side: how many notifications a second each GATT decoder of the characteristic
 * table (gateway/gatt/characteristics.ts) turns into values, on one core. Each decoder runs on
 * a typical value of its characteristic, laid out as in shared/ble-gatt-reference.md.
 */
import { CHARACTERISTICS } from '../gateway/gatt/characteristics.ts';
import { hexBytes } from '../gateway/gatt/hex-bytes.ts';
import { BenchmarkError } from './benchmark-error.ts';
import type { DecodeRate } from './benchmark-report.ts';

const text = (value: string) => new TextEncoder().encode(value);

/** A typical value per characteristic UUID; none carries an E2E-CRC. */
export const DECODE_SAMPLES: Readonly<Record<string, Uint8Array>> = {
  // Heart Rate Measurement: contact detected, RR present; 75 bpm, RR 853/1024 s.
  '2a37': hexBytes('16 4b 55 03'),
  // Body Sensor Location: chest.
  '2a38': hexBytes('01'),
  // PLX Spot-Check: timestamp present; SpO2 97 %, PR 75, 2026-11-26 09:30:00.
  '2a5e': hexBytes('01 61 00 4b 00 ea 07 0b 1a 09 1e 00'),
  // PLX Continuous: PAI present; SpO2 97 %, PR 75, PAI 5.2 %.
  '2a5f': hexBytes('10 61 00 4b 00 34 f0'),
  // PLX Features: measurement status support present; early estimate and validated data.
  '2a60': hexBytes('01 00 c0 00'),
  // Glucose Measurement: time offset and kg/L concentration; seq 5, 2026-11-26 07:45:00, +0 min,
  // 120 mg/dL (0.00120 kg/L), capillary whole blood from a finger.
  '2a18': hexBytes('03 05 00 ea 07 0b 1a 07 2d 00 00 00 78 b0 11'),
  // Glucose Measurement Context: meal present; seq 5, preprandial.
  '2a34': hexBytes('02 05 00 01'),
  // Glucose Feature: low battery, sensor malfunction and strip insertion detection.
  '2a51': hexBytes('0b 00'),
  // Record Access Control Point: report stored records with sequence number >= 5.
  '2a52': hexBytes('01 03 01 05 00'),
  // CGM Measurement: trend and quality; 90 mg/dL at 60 min, -0.5 mg/dL/min, 98 %.
  '2aa7': hexBytes('0a 03 5a 00 3c 00 fb ff 62 00'),
  // CGM Feature: trend and quality; interstitial fluid, subcutaneous tissue; no E2E-CRC.
  '2aa8': hexBytes('00 80 01 59 ff ff'),
  // CGM Session Start Time: 2026-11-25 08:00:00, UTC+5, standard time.
  '2aaa': hexBytes('ea 07 0b 19 08 00 00 14 00'),
  // CGM Session Run Time: 336 hours.
  '2aab': hexBytes('50 01'),
  // Blood Pressure Measurement: time stamp, pulse rate, status; 142/91 mean 108 mmHg, 72 /min.
  '2a35': hexBytes('16 8e 00 5b 00 6c 00 ea 07 0b 1a 07 1e 00 48 00 04 00'),
  // Intermediate Cuff Pressure: the cuff at 160 mmHg, diastolic and mean NaN.
  '2a36': hexBytes('00 a0 00 ff 07 ff 07'),
  // Blood Pressure Feature: body movement, cuff fit and irregular pulse detection.
  '2a49': hexBytes('07 00'),
  // Weight Measurement: time stamp; 70 kg (14000 x 0.005 kg), 2026-11-26 07:00:00.
  '2a9d': hexBytes('02 b0 36 ea 07 0b 1a 07 00 00'),
  // Weight Scale Feature: time stamp, BMI; 0.05 kg resolution.
  '2a9e': hexBytes('25 00 00 00'),
  // Temperature Measurement: time stamp and type; 36.6 Cel (366 x 10^-1), mouth.
  '2a1c': hexBytes('06 6e 01 00 ff ea 07 0b 1a 14 00 00 06'),
  // Intermediate Temperature: 36.4 Cel, settling.
  '2a1e': hexBytes('00 6c 01 00 ff'),
  // Temperature Type: mouth.
  '2a1d': hexBytes('06'),
  // Battery Level: 90 %.
  '2a19': hexBytes('5a'),
  // Date Time: 2026-11-26 09:00:00.
  '2a08': hexBytes('ea 07 0b 1a 09 00 00'),
  // Current Time: 2026-11-26 09:00:00, Thursday, no fractions, manual adjustment.
  '2a2b': hexBytes('ea 07 0b 1a 09 00 00 04 00 01'),
  '2a29': text('Acme Medical'),
  '2a24': text('OX-200'),
  '2a25': text('SN-4821'),
  '2a26': text('2.1.0'),
  '2a28': text('1.4'),
};

const ROUND = 1000;

/** Decodes per second of every characteristic, each for about `msPerCharacteristic`. */
export function measureDecodeRates(msPerCharacteristic: number): DecodeRate[] {
  return Object.entries(CHARACTERISTICS).map(([uuid, entry]) => {
    const bytes = DECODE_SAMPLES[uuid];
    if (!bytes) throw new BenchmarkError('decode rates', `no sample value for ${entry.name} (${uuid})`);
    const first = entry.decode(bytes);
    if (!first.ok)
      throw new BenchmarkError('decode rates', `sample of ${entry.name} refused: ${first.error.message}`);
    let decoded = 0;
    const started = performance.now();
    while (performance.now() - started < msPerCharacteristic) {
      for (let i = 0; i < ROUND; i++) if (entry.decode(bytes).ok) decoded++;
    }
    const seconds = (performance.now() - started) / 1000;
    return { uuid, characteristic: entry.name, bytes: bytes.length, decodesPerSecond: decoded / seconds };
  });
}
