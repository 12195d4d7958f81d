import { describe, expect, it } from 'vitest';
import { dealOut, planGateways, planProbes } from './load-plan.ts';

const patientsOf = (plans: ReturnType<typeof planGateways>) =>
  plans.flatMap((p) => p.patients.map((x) => x.patientId));

describe('which simulated gateway serves which patients', () => {
  it('serves every patient exactly once, one or two per gateway', () => {
    const plans = planGateways(1000);
    const patients = patientsOf(plans);
    expect(new Set(patients).size).toBe(1000);
    expect(patients).toHaveLength(1000);
    expect(plans.every((p) => p.patients.length === 1 || p.patients.length === 2)).toBe(true);
    expect(plans).toHaveLength(667);
  });

  it('extends a smaller step: a larger one keeps its gateways and adds patients to them or new ones', () => {
    const small = planGateways(1000);
    const large = new Map(planGateways(5000).map((p) => [p.gatewayId, p]));
    for (const plan of small) {
      const bigger = large.get(plan.gatewayId);
      expect(bigger?.patients.slice(0, plan.patients.length)).toEqual(plan.patients);
    }
  });

  it('gives each patient of a gateway its own CGM second within the 5 minutes', () => {
    const phases = planGateways(300).flatMap((p) => p.patients.map((x) => x.cgmPhaseSeconds));
    expect(new Set(phases).size).toBe(300);
  });

  it('gives alert probes their own gateways and patients, distinct per step', () => {
    expect(planProbes(2, 2)).toEqual([
      { gatewayId: 'gwp-s2-0', patients: [{ patientId: 'probe-s2-0', cgmPhaseSeconds: 0 }] },
      { gatewayId: 'gwp-s2-1', patients: [{ patientId: 'probe-s2-1', cgmPhaseSeconds: 0 }] },
    ]);
  });

  it('deals gateways out to generator processes in turn', () => {
    expect(dealOut([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 3, 5],
      [2, 4],
    ]);
  });
});
