import { describe, expect, it } from 'vitest';
import { Reading, type ReadingInput } from '../common/contract.ts';
import { readingToLine } from './readings-storage.ts';

const glucose = (context: ReadingInput['context']): Reading =>
  Reading.parse({
    id: 'g-1',
    patientId: 'P1',
    deviceId: 'glucose-1',
    metric: 'glucose',
    value: 54,
    unit: 'mg/dL',
    time: '2026-11-24T08:00:00.000Z',
    context,
  });

/** The `source` tag of a glucose line, as the alerts engine reads it back after a restart. */
const sourceTag = (line: string) => /,source=(\w+)[ ,]/.exec(line)?.[1];

describe('the glucose source tag', () => {
  it.each([
    ['an interstitial sample without a source (a CGM)', { sampleType: 'interstitial_fluid' }, 'cgm'],
    ['a capillary sample without a source', { sampleType: 'capillary_whole_blood' }, 'meter'],
    ['a value with no context at all', {}, 'meter'],
    ['a labelled CGM value', { source: 'cgm', sampleType: 'capillary_plasma' }, 'cgm'],
    ['a labelled meter value', { source: 'meter', sampleType: 'interstitial_fluid' }, 'meter'],
  ] as const)('stores %s as %s', (_what, context, source) => {
    expect(sourceTag(readingToLine(glucose(context), 'GW1'))).toBe(source);
  });

  it('is absent on metrics other than glucose', () => {
    const line = readingToLine(
      Reading.parse({
        id: 'hr-1',
        patientId: 'P1',
        deviceId: 'hr-1',
        metric: 'heart_rate',
        value: 72,
        unit: '/min',
        time: '2026-11-24T08:00:00.000Z',
      }),
      'GW1',
    );
    expect(sourceTag(line)).toBeUndefined();
  });
});
