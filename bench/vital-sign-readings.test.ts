import { describe, expect, it } from 'vitest';
import { TEMPLATES } from '../alerts/care-plan-templates.ts';
import { type ReadingInput, validateReadingsPayload } from '../common/contract.ts';
import { CGM_PERIOD_SECONDS } from './load-plan.ts';
import { readingsInSecond, secondOfReadings } from './vital-sign-readings.ts';

const START = Date.UTC(2026, 10, 26, 9, 0, 0);
const patient = { patientId: 'pt-000007', cgmPhaseSeconds: 49 };

/** A repeating sweep over [0, 1): lowest and highest values both come up. */
function sweep(): () => number {
  let n = 0;
  return () => (n++ % 101) / 101;
}

function tenMinutes(): ReadingInput[] {
  const random = sweep();
  return Array.from({ length: 600 }, (_, s) => secondOfReadings(patient, START + s * 1000, random)).flat();
}

describe('one second of a simulated patient', () => {
  it('is accepted by the wire contract as a gateway would send it', () => {
    const readings = tenMinutes();
    const payload = JSON.stringify({
      gatewayId: 'gw-000004',
      sentAt: new Date(START).toISOString(),
      readings: readings.slice(0, 500),
    });
    const result = validateReadingsPayload(payload, 'gw-000004', new Date(START + 600_000));
    expect(result).toMatchObject({ ok: true, rejected: [] });
    expect(result.ok && result.valid).toHaveLength(500);
  });

  it('has heart rate and SpO2 every second and a CGM value every 5 minutes, each with its own id', () => {
    const readings = tenMinutes();
    const count = (metric: string) => readings.filter((r) => r.metric === metric).length;
    expect(count('heart_rate')).toBe(600);
    expect(count('spo2')).toBe(600);
    expect(count('glucose')).toBe(600 / CGM_PERIOD_SECONDS);
    expect(new Set(readings.map((r) => r.id)).size).toBe(readings.length);
  });

  it('counts the readings of a second without making them', () => {
    const random = sweep();
    for (let s = 0; s < 600; s++) {
      const timeMs = START + s * 1000;
      expect(readingsInSecond([patient, patient], timeMs)).toBe(
        2 * secondOfReadings(patient, timeMs, random).length,
      );
    }
  });

  it('never fires a rule of the general adult care plan', () => {
    for (const reading of tenMinutes()) {
      for (const rule of TEMPLATES.general_adult.rules) {
        if (rule.kind !== 'threshold' || !rule.readings.metrics.includes(reading.metric)) continue;
        const level = rule.level;
        if (typeof level !== 'number') throw new Error(`${rule.id} has part levels, not one`);
        const fires =
          rule.direction === 'below'
            ? reading.value < level || (rule.inclusive && reading.value === level)
            : reading.value > level || (rule.inclusive && reading.value === level);
        expect(fires, `${reading.metric} ${reading.value} against ${rule.id}`).toBe(false);
      }
    }
  });
});
