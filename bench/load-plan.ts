/**
 * Who is simulated: patient and gateway ids, and which gateway serves which patients. A
 * home gateway serves one or two patients (in groups of three patients: one gateway with
 * one, the next with two), so N patients need about 2N/3 gateways. Ids are derived from
 * indexes, so a larger step extends a smaller one: its gateways and patients are the same,
 * plus more.
 */
import { z } from 'zod';
import { GatewayId, PatientId } from '../common/contract.ts';

/** CGM values come every 5 minutes; each patient's falls at its own second of the 300. */
export const CGM_PERIOD_SECONDS = 300;

export const PlannedPatient = z.strictObject({
  patientId: PatientId,
  /** The second (0-299) of each 5 minutes at which this patient's CGM value is due. */
  cgmPhaseSeconds: z
    .number()
    .int()
    .min(0)
    .max(CGM_PERIOD_SECONDS - 1),
});
export type PlannedPatient = z.infer<typeof PlannedPatient>;

export const GatewayPlan = z.strictObject({
  gatewayId: GatewayId,
  patients: z.array(PlannedPatient).min(1).max(2),
});
export type GatewayPlan = z.infer<typeof GatewayPlan>;

/** A planned gateway with the MQTT secret issued for it. */
export const GatewayLogin = GatewayPlan.extend({ secret: z.string().min(1) });
export type GatewayLogin = z.infer<typeof GatewayLogin>;

/** Load patients' ids start with this; InfluxDB counts select them by it (alert probes differ). */
export const LOAD_PATIENT_PREFIX = 'pt-';

const padded = (n: number) => String(n).padStart(6, '0');
const loadPatient = (index: number): PlannedPatient => ({
  patientId: `${LOAD_PATIENT_PREFIX}${padded(index)}`,
  // A stride coprime with 300 spreads the CGM values evenly over the 5 minutes.
  cgmPhaseSeconds: (index * 7) % CGM_PERIOD_SECONDS,
});

/** The gateways serving patients 0 .. patientCount-1. */
export function planGateways(patientCount: number): GatewayPlan[] {
  const plans: GatewayPlan[] = [];
  for (let group = 0; 3 * group < patientCount; group++) {
    const first = 3 * group;
    plans.push({ gatewayId: `gw-${padded(2 * group)}`, patients: [loadPatient(first)] });
    const pair = [first + 1, first + 2].filter((i) => i < patientCount).map(loadPatient);
    if (pair.length) plans.push({ gatewayId: `gw-${padded(2 * group + 1)}`, patients: pair });
  }
  return plans;
}

/** One gateway per alert probe patient, distinct for each step (a patient's alert fires once). */
export function planProbes(step: number, count: number): GatewayPlan[] {
  return Array.from({ length: count }, (_, k) => ({
    gatewayId: `gwp-s${step}-${k}`,
    patients: [{ patientId: `probe-s${step}-${k}`, cgmPhaseSeconds: 0 }],
  }));
}

/** Deals items out to `parts` lists in turn (so each list gets a similar mix). */
export function dealOut<T>(items: readonly T[], parts: number): T[][] {
  const lists: T[][] = Array.from({ length: parts }, () => []);
  items.forEach((item, i) => {
    lists[i % parts]?.push(item);
  });
  return lists;
}
