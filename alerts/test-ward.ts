/**
 * The ward the alerts tests share: patient p-001's devices (a CGM, a meter, an oximeter, a
 * blood-pressure cuff, a scale and more), the care team that looks after
 * them (two nurses first, then two doctors in turn) and the alert policy.
 */

import { CareTeam } from '../records/staff.ts';
import { AlertPolicy } from './alert-lifecycle.ts';
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
  id: 'ward-a',
  name: 'Ward A',
  members: [
    {
      userId: 'nurse.amina',
      displayName: 'Amina',
      role: 'nurse',
      email: 'amina@clinic.example',
      escalationOrder: 1,
    },
    {
      userId: 'nurse.sana',
      displayName: 'Sana',
      role: 'nurse',
      email: 'sana@clinic.example',
      escalationOrder: 1,
    },
    {
      userId: 'dr.bilal',
      displayName: 'Dr Bilal',
      role: 'doctor',
      email: 'bilal@clinic.example',
      escalationOrder: 2,
    },
    {
      userId: 'dr.chaudhry',
      displayName: 'Dr Chaudhry',
      role: 'doctor',
      email: 'chaudhry@clinic.example',
      escalationOrder: 3,
    },
  ],
  patientIds: ['p-001'],
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
