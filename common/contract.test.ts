import { describe, expect, it } from 'vitest';
import { Reading, type ReadingInput, validateReadingsPayload } from './contract.ts';

const base = {
  id: 'r-1',
  patientId: 'P-0042',
  deviceId: 'dev-1',
  time: '2026-11-24T08:00:00.000Z',
} as const;
const cuff = (value: number, diastolic: number, flags: ReadingInput['flags'] = []): ReadingInput => ({
  ...base,
  metric: 'blood_pressure',
  value,
  components: { diastolic },
  unit: 'mm[Hg]',
  flags,
});

/** The contract's refusal messages for a reading, or [] when it takes it. */
function refusals(input: ReadingInput): string[] {
  const parsed = Reading.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('the reading contract', () => {
  it.each([
    [
      'a glucose source on a heart rate',
      { ...base, metric: 'heart_rate', value: 72, unit: '/min', context: { source: 'cgm' } },
      'context.source: context.source (meter or cgm) is for glucose, not heart_rate',
    ],
    [
      'a diastolic above the systolic',
      cuff(80, 95),
      'components.diastolic: blood_pressure diastolic 95 mm[Hg] is above blood_pressure systolic 80 mm[Hg]',
    ],
    [
      'a glucose in kPa',
      { ...base, metric: 'glucose', value: 5, unit: 'kPa' },
      "unit: unit 'kPa' does not fit metric 'glucose' (expected mg/dL or mmol/L)",
    ],
    [
      'a blood pressure without its diastolic',
      { ...base, metric: 'blood_pressure', value: 120, unit: 'mm[Hg]' },
      'components.diastolic: blood_pressure diastolic is missing',
    ],
  ] as const)('refuses %s, naming the field', (_what, input, message) => {
    expect(refusals(input as ReadingInput)).toEqual([message]);
  });

  it("takes a cuff's LO with a measured diastolic: the systolic is only a bound", () => {
    expect(refusals(cuff(40, 60, ['result_below_device_range']))).toEqual([]);
    expect(refusals(cuff(40, 60))[0]).toContain('is above blood_pressure systolic 40');
  });

  it('hands on one form: times to the millisecond, no empty lists', () => {
    const parsed = Reading.parse({
      ...base,
      metric: 'heart_rate',
      value: 72,
      unit: '/min',
      time: '2026-11-24T08:00:00.123456Z',
      components: {},
      context: { rrIntervalsMs: [] },
    });
    expect(parsed).toEqual({
      ...base,
      metric: 'heart_rate',
      value: 72,
      unit: '/min',
      time: '2026-11-24T08:00:00.123Z',
      flags: [],
      context: {},
    });
    expect(
      Reading.parse({ ...base, metric: 'spo2', value: 97, unit: '%', time: '2026-11-24T08:00:00Z' }).time,
    ).toBe('2026-11-24T08:00:00.000Z');
  });

  it('refuses a batch nested thousands deep before any recursive work, saying why', () => {
    const deep = `{"gatewayId":"gw-1","sentAt":"2026-11-24T08:00:00Z","readings":[${'['.repeat(8000)}${']'.repeat(8000)}]}`;
    expect(validateReadingsPayload(deep, 'gw-1', new Date('2026-11-24T08:00:00Z'))).toEqual({
      ok: false,
      reason: 'bad_envelope',
      detail: 'payload nests more than 8 levels deep; a readings batch needs at most 8',
    });
  });

  it('refuses a reading dated before the horizon (a reset device clock) and takes one within it', () => {
    const now = new Date('2026-11-24T08:00:00Z');
    const batchOf = (time: string) =>
      JSON.stringify({
        gatewayId: 'gw-1',
        sentAt: now.toISOString(),
        readings: [{ ...base, time, metric: 'heart_rate', value: 72, unit: '/min' }],
      });
    const outcome = (time: string, maxAgeDays?: number) => {
      const result = validateReadingsPayload(batchOf(time), 'gw-1', now, maxAgeDays);
      if (!result.ok) throw new Error(result.detail);
      return [result.valid.length, result.rejected.map((r) => `${r.reason}: ${r.detail}`)] as const;
    };
    expect(outcome('2000-01-01T00:00:00Z')).toEqual([
      0,
      [
        "past_timestamp: time 2000-01-01T00:00:00.000Z is more than 90 days before the server clock (2026-11-24T08:00:00.000Z): the device's clock was probably reset (a battery change) and needs setting",
      ],
    ]);
    // 89 days ago: a meter's memory backfilled after a long absence is kept.
    expect(outcome('2026-08-27T08:00:00Z')).toEqual([1, []]);
    expect(outcome('2026-08-27T08:00:00Z', 30)[1]).toHaveLength(1);
  });
});
