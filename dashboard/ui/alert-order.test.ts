import { describe, expect, it } from 'vitest';
import { orderActiveAlerts, orderRecentAlerts } from './alert-order.ts';
import type { Alert } from './api-types.ts';

const alert = (alertId: string, severity: Alert['severity'], firedAt: string): Alert => ({
  alertId,
  patientId: 'P-1',
  patientName: 'Amina Bibi',
  ruleId: 'general.spo2_low',
  title: 'Low oxygen saturation',
  severity,
  state: 'firing',
  message: '',
  firedAt: `2026-11-26T${firedAt}:00Z`,
  episodeStart: `2026-11-26T${firedAt}:00Z`,
  arrivedLate: false,
  escalationLevel: 0,
  history: [],
});

const list = [
  alert('w-new', 'warning', '09:50'),
  alert('c-new', 'critical', '09:55'),
  alert('i-old', 'info', '08:00'),
  alert('c-old', 'critical', '09:10'),
  alert('w-old', 'warning', '09:00'),
];

describe('alert worklist order', () => {
  it('puts critical alerts first, then warnings, then information, the longest waiting first', () => {
    expect(orderActiveAlerts(list).map((a) => a.alertId)).toEqual([
      'c-old',
      'c-new',
      'w-old',
      'w-new',
      'i-old',
    ]);
  });

  it('lists recent alerts newest first, whatever their severity', () => {
    expect(orderRecentAlerts(list).map((a) => a.alertId)).toEqual([
      'c-new',
      'w-new',
      'c-old',
      'w-old',
      'i-old',
    ]);
  });
});
