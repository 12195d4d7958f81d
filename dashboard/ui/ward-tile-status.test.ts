import { describe, expect, it } from 'vitest';
import { METRICS } from '../../common/metrics.ts';
import type { WardTile } from './api-types.ts';
import { applyLiveReading, batteryNotes, gatewayConnectivity, silenceText } from './ward-tile-status.ts';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const at = (iso: string) => Date.parse(`2026-11-26T${iso}Z`);

const tile = (over: Partial<WardTile> = {}): WardTile => ({
  patientId: 'P-1001',
  displayName: 'Amina Bibi',
  attention: 'ok',
  latest: { spo2: { value: 97, time: at('09:50:00'), reliable: true } },
  sparklines: { heart_rate: [], spo2: [{ time: at('09:50:00'), mean: 97, min: 96, max: 98 }], glucose: [] },
  devices: [],
  gateways: [{ gatewayId: 'gw-home-1', online: true }],
  alerts: [],
  lastReadingAt: at('09:50:00'),
  ...over,
});

const reading = (metric: 'spo2' | 'glucose' | 'heart_rate', value: number, time: string, extra = {}) => ({
  type: 'reading' as const,
  patientId: 'P-1001',
  metric,
  value,
  unit: METRICS[metric].storedUnit,
  time: `2026-11-26T${time}Z`,
  reliable: true,
  ...extra,
});

describe('gatewayConnectivity', () => {
  it('says offline when any gateway of the patient is offline, in words', () => {
    expect(gatewayConnectivity([{ gatewayId: 'a', online: true }])).toEqual({
      state: 'online',
      text: 'Gateway online',
    });
    expect(
      gatewayConnectivity([
        { gatewayId: 'a', online: true },
        { gatewayId: 'b', online: false },
      ]).text,
    ).toBe('Gateway offline');
    expect(gatewayConnectivity([{ gatewayId: 'a', online: null }]).text).toBe('Gateway not heard from');
    expect(gatewayConnectivity([]).text).toBe('No gateway assigned');
  });
});

describe('silenceText', () => {
  it('says for how long a silent patient has sent nothing', () => {
    expect(silenceText({ attention: 'silent', lastReadingAt: at('06:40:00') }, NOW)).toBe('Silent 3 h');
  });
  it('says nothing about silence for a patient who is not silent', () => {
    expect(silenceText({ attention: 'ok', lastReadingAt: at('08:30:00') }, NOW)).toBeNull();
    expect(silenceText({ attention: 'critical', lastReadingAt: at('09:58:00') }, NOW)).toBeNull();
  });
  it('still says how long a patient with an alert has been silent once the last reading is old', () => {
    expect(silenceText({ attention: 'warning', lastReadingAt: at('05:50:00') }, NOW)).toBe('Silent 4 h');
  });
  it('says when a patient never sent anything', () => {
    expect(silenceText({ attention: 'silent', lastReadingAt: null }, NOW)).toBe('No readings yet');
  });
});

describe('batteryNotes', () => {
  it('marks a battery under 20 % as low and skips devices that do not report one', () => {
    const devices = [
      { deviceId: 'ox-1', kind: 'pulse_oximeter', batteryPercent: 19, connected: true },
      { deviceId: 'cgm-1', kind: 'cgm', batteryPercent: 20, connected: true },
      { deviceId: 'hr-1', kind: 'heart_rate', batteryPercent: null, connected: false },
    ];
    expect(batteryNotes(devices)).toEqual([
      { text: 'Pulse oximeter battery 19 % (low)', low: true },
      { text: 'Glucose sensor (CGM) battery 20 %', low: false },
    ]);
  });
});

describe('applyLiveReading', () => {
  it('shows a newer reading as the latest value and appends it to the sparkline', () => {
    const next = applyLiveReading(tile(), reading('spo2', 91, '09:59:00'));
    expect(next.latest.spo2).toEqual({ value: 91, time: at('09:59:00'), reliable: true });
    expect(next.sparklines.spo2.map((p) => p.mean)).toEqual([97, 91]);
    expect(next.lastReadingAt).toBe(at('09:59:00'));
  });

  it('keeps the newer latest value when an older reading arrives from a spool, but charts it in order', () => {
    const next = applyLiveReading(tile(), reading('spo2', 93, '09:30:00'));
    expect(next.latest.spo2?.value).toBe(97);
    expect(next.sparklines.spo2.map((p) => p.mean)).toEqual([93, 97]);
    expect(next.lastReadingAt).toBe(at('09:50:00'));
  });

  it('carries the CGM trend with a glucose reading, and drops it for a meter reading', () => {
    const cgm = applyLiveReading(tile(), reading('glucose', 65, '09:55:00', { trendMgdlPerMin: -2.4 }));
    expect(cgm.latest.glucose).toMatchObject({ value: 65, trendMgdlPerMin: -2.4 });
    const meter = applyLiveReading(cgm, reading('glucose', 70, '09:58:00'));
    expect(meter.latest.glucose).toEqual({ value: 70, time: at('09:58:00'), reliable: true });
  });

  it('shows an unreliable reading as such', () => {
    const next = applyLiveReading(tile(), { ...reading('heart_rate', 180, '09:59:00'), reliable: false });
    expect(next.latest.heart_rate?.reliable).toBe(false);
  });
});
