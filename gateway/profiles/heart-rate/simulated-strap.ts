/**
 * A simulated chest heart-rate strap: Heart Rate service (0x180D) with Heart Rate Measurement
 * (0x2A37, notify, once a second) and Body Sensor Location (0x2A38: chest), plus Device
 * Information and Battery.
 *
 * Each notification carries the RR intervals of the beats completed since the last one (a
 * beat train whose intervals follow the heart rate, with 2 % beat-to-beat variation), and the
 * heart rate they imply, so the two agree. While the strap has lost skin contact it says so
 * (contact supported, not detected), repeats its last rate and sends no RR intervals.
 */

import { BATTERY_SERVICE } from '../../gatt/battery-level.ts';
import { BODY_SENSOR_LOCATION_UUID, encodeBodySensorLocation } from '../../gatt/body-sensor-location.ts';
import {
  encodeHeartRateMeasurement,
  HEART_RATE_MEASUREMENT_UUID,
  HEART_RATE_SERVICE,
  type HeartRateMeasurement,
  type RrInterval,
  rrInterval,
} from '../../gatt/heart-rate-measurement.ts';
import type { SeededNoise } from '../../simulator/seeded-noise.ts';
import {
  type DeviceModelOptions,
  modelDevice,
  modelParts,
  type VirtualDevice,
} from '../../simulator/virtual-device.ts';
import { type HeartRateProfile, HeartRateTrace } from './physiology.ts';

const NOTIFY_INTERVAL_MS = 1000;
/** A 23-byte ATT MTU leaves 20 bytes: flags, an 8-bit rate and at most 9 RR intervals. */
const MAX_RR_PER_NOTIFICATION = 9;
/** After a longer gap (fast-forward, a restart) the beat train starts again from now. */
const LONGEST_BEAT_GAP_MS = 5_000;

export interface HeartRateStrapOptions extends DeviceModelOptions {
  profile?: HeartRateProfile;
}

/** The strap's beat detector: the RR intervals completed by each moment, and the rate they give. */
export class BeatTrain {
  #lastBeatMs: number | undefined;
  #lastRate = 0;

  constructor(
    private readonly trace: HeartRateTrace,
    private readonly noise: SeededNoise,
  ) {}

  measurementAt(nowMs: number): HeartRateMeasurement {
    if (this.#lastBeatMs === undefined || nowMs - this.#lastBeatMs > LONGEST_BEAT_GAP_MS) {
      this.#lastBeatMs = nowMs - NOTIFY_INTERVAL_MS;
    }
    const intervals: RrInterval[] = [];
    for (;;) {
      const beat: number = this.#lastBeatMs;
      const variation = 1 + 0.02 * this.noise.normal('rr', Math.round(beat));
      const intervalMs = (60_000 / this.trace.bpmAt(beat)) * variation;
      if (beat + intervalMs > nowMs) break;
      this.#lastBeatMs = beat + intervalMs;
      intervals.push(rrInterval(Math.round((intervalMs * 1024) / 1000)));
    }
    const recent = intervals.slice(-MAX_RR_PER_NOTIFICATION);
    if (this.trace.contactLostAt(nowMs) && this.#lastRate > 0) {
      return {
        heartRate: this.#lastRate,
        heartRateFormat: 'uint8',
        sensorContact: 'not_detected',
        rrIntervals: [],
      };
    }
    if (recent.length > 0) {
      const meanMs = recent.reduce((sum, rr) => sum + rr.ms, 0) / recent.length;
      this.#lastRate = Math.round(60_000 / meanMs);
    } else {
      this.#lastRate = Math.round(this.trace.bpmAt(nowMs));
    }
    return {
      heartRate: this.#lastRate,
      heartRateFormat: 'uint8',
      sensorContact: 'detected',
      rrIntervals: recent,
    };
  }
}

export function createHeartRateStrap(o: HeartRateStrapOptions): VirtualDevice {
  const beats = new BeatTrain(new HeartRateTrace(o.noise, o.local, o.profile), o.noise);
  const parts = modelParts(
    o,
    {
      uuid: HEART_RATE_SERVICE,
      characteristics: [
        { uuid: HEART_RATE_MEASUREMENT_UUID, properties: ['notify'] },
        {
          uuid: BODY_SENSOR_LOCATION_UUID,
          properties: ['read'],
          onRead: () => encodeBodySensorLocation({ location: 'chest' }),
        },
      ],
    },
    [HEART_RATE_SERVICE, BATTERY_SERVICE],
  );
  return modelDevice('heart_rate', o.identity, parts, () => {
    parts.tasks.add(
      o.clock.every(NOTIFY_INTERVAL_MS, () => {
        const measurement = beats.measurementAt(o.clock.now());
        const bytes = encodeHeartRateMeasurement(measurement);
        parts.peripheral.notify(HEART_RATE_SERVICE, HEART_RATE_MEASUREMENT_UUID, bytes);
      }),
    );
  });
}
