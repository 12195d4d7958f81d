/**
 * One second of a simulated patient's readings, shaped as the gateway publishes them
 * (gateway/readings/): heart rate from a chest strap with its RR interval,
 * SpO2 from an oximeter with averaging and perfusion index, both every second, and a CGM
 * value every 5 minutes. (A real oximeter also reports its pulse rate; the load is heart
 * rate and SpO2 at 1 Hz as issue #7 states it.) Idempotency keys follow the gateway's
 * `{deviceId}:{metric}:{sample time ms}`. Values are those of a stable patient, so the
 * background load never fires an alert; randomness is injected.
 */
import type { ReadingInput } from '../common/contract.ts';
import type { Metric } from '../common/metrics.ts';
import { CGM_PERIOD_SECONDS, type PlannedPatient } from './load-plan.ts';

/** The metrics of the load, which are also their InfluxDB measurements (ingest/readings-storage.ts). */
export const LOAD_METRICS = ['heart_rate', 'spo2', 'glucose'] as const satisfies readonly Metric[];

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

/** A reading of the device `{kind}-{patientId}`, as the gateway words it. */
function reading(
  kind: 'hr' | 'ox' | 'cgm',
  patientId: string,
  timeMs: number,
  measured: Pick<ReadingInput, 'metric' | 'value' | 'unit' | 'context'>,
): ReadingInput {
  const deviceId = `${kind}-${patientId}`;
  return {
    id: `${deviceId}:${measured.metric}:${timeMs}`,
    patientId,
    deviceId,
    time: new Date(timeMs).toISOString(),
    flags: [],
    ...measured,
  };
}

export function heartRateReading(patientId: string, timeMs: number, random: () => number): ReadingInput {
  const bpm = 58 + Math.floor(random() * 40);
  // The strap sends RR in 1/1024 s; the gateway converts it to ms exactly.
  const rrRaw = Math.round((60_000 / bpm) * 1.024);
  return reading('hr', patientId, timeMs, {
    metric: 'heart_rate',
    value: bpm,
    unit: '/min',
    context: { rrIntervalsMs: [(rrRaw * 1000) / 1024], bodySensorLocation: 'chest' },
  });
}

export function spo2Reading(
  patientId: string,
  timeMs: number,
  percent: number,
  random: () => number,
): ReadingInput {
  return reading('ox', patientId, timeMs, {
    metric: 'spo2',
    value: percent,
    unit: '%',
    context: { spo2Averaging: 'normal', pulseAmplitudeIndex: oneDecimal(2 + random() * 6) },
  });
}

export function cgmReading(patientId: string, timeMs: number, random: () => number): ReadingInput {
  return reading('cgm', patientId, timeMs, {
    metric: 'glucose',
    value: 80 + Math.floor(random() * 100),
    unit: 'mg/dL',
    context: {
      source: 'cgm',
      trendMgdlPerMin: oneDecimal(random() * 2 - 1),
      qualityPercent: 90 + Math.floor(random() * 10),
    },
  });
}

const cgmDue = (patient: PlannedPatient, timeMs: number) =>
  Math.floor(timeMs / 1000) % CGM_PERIOD_SECONDS === patient.cgmPhaseSeconds;

/** How many readings `secondOfReadings` gives for these patients at `timeMs`, without making them. */
export function readingsInSecond(patients: readonly PlannedPatient[], timeMs: number): number {
  return patients.reduce((n, patient) => n + (cgmDue(patient, timeMs) ? 3 : 2), 0);
}

/** The readings a patient's devices produce in the second starting at `timeMs`. */
export function secondOfReadings(
  patient: PlannedPatient,
  timeMs: number,
  random: () => number,
): ReadingInput[] {
  const { patientId } = patient;
  const readings = [
    heartRateReading(patientId, timeMs, random),
    // 95-99 %: at or above the general SpO2 rule's clear level, so never a low.
    spo2Reading(patientId, timeMs, 95 + Math.floor(random() * 5), random),
  ];
  if (cgmDue(patient, timeMs)) readings.push(cgmReading(patientId, timeMs, random));
  return readings;
}
