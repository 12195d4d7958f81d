/**
 * The ward the alerts tests share: patient p-001's devices (a CGM, a meter, an oximeter, a
 * blood-pressure cuff, a scale and more), the care team that looks after
 * them (two nurses first, then two doctors in turn) and the alert policy.
 */
import { AlertPolicy } from './alert-lifecycle.ts';
import { CareTeam } from './notification-routing.ts';
import type { TraceDevice } from './reading-trace.ts';

export const CGM: TraceDevice = {
  patientId: 'p-001',
  deviceId: 'cgm-1',
  metric: 'glucose',
  unit: 'mg/dL',
  glucoseSource: 'cgm',
};
export const METER: TraceDevice = { ...CGM, deviceId: 'meter-1', glucoseSource: 'meter' };
export const OXIMETER: TraceDevice = { patientId: 'p-001', deviceId: 'ox-1', metric: 'spo2', unit: '%' };
export const CUFF: TraceDevice = {
  patientId: 'p-001',
  deviceId: 'cuff-1',
  metric: 'blood_pressure',
  unit: 'mm[Hg]',
};
export const SCALE: TraceDevice = {
  patientId: 'p-001',
  deviceId: 'scale-1',
  metric: 'body_weight',
  unit: 'kg',
};
export const THERMOMETER: TraceDevice = {
  patientId: 'p-001',
  deviceId: 'thermo-1',
  metric: 'body_temperature',
  unit: 'Cel',
};

export const WARD_TEAM = CareTeam.parse({
  careTeamId: 'ward-a',
  members: [
    { userId: 'nurse.amina', role: 'nurse', email: 'amina@clinic.example', escalationOrder: 0 },
    { userId: 'nurse.sana', role: 'nurse', email: 'sana@clinic.example', escalationOrder: 0 },
    { userId: 'dr.bilal', role: 'doctor', email: 'bilal@clinic.example', escalationOrder: 1 },
    { userId: 'dr.chaudhry', role: 'doctor', email: 'chaudhry@clinic.example', escalationOrder: 2 },
  ],
});

/** Critical: re-sent every 10 min, escalated every 15; warning: re-sent every 30 min; info: shown only. */
export const WARD_POLICY = AlertPolicy.parse({
  severities: {
    info: { renotifyMinutes: null, escalateAfterMinutes: null },
    warning: { renotifyMinutes: 30, escalateAfterMinutes: null },
    critical: { renotifyMinutes: 10, escalateAfterMinutes: 15 },
  },
  maxEscalationLevel: 3,
});
