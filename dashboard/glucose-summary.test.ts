import { describe, expect, it } from 'vitest';
import { summariseGlucose } from './glucose-summary.ts';

describe('14-day glucose summary', () => {
  it('splits readings into the consensus bands with 54/70/180/250 as edges', () => {
    // 53 very low; 54 and 69 low; 70 and 180 in range; 181 and 250 high; 251 very high.
    const s = summariseGlucose([53, 54, 69, 70, 180, 181, 250, 251, 120, 120], 'meter', 14);
    expect(s).toMatchObject({
      veryLowPercent: 10,
      lowPercent: 20,
      inRangePercent: 40,
      highPercent: 20,
      veryHighPercent: 10,
      gmiPercent: null,
      sufficientData: false,
    });
  });

  it('computes mean, GMI and CV from CGM data', () => {
    // Mean 150 mg/dL -> GMI 3.31 + 0.02392 x 150 = 6.898 %.
    const s = summariseGlucose([100, 150, 200], 'cgm', 1);
    expect(s?.meanMgdl).toBe(150);
    expect(s?.gmiPercent).toBe(6.9);
    // Sample SD 50 -> CV 33.3 %.
    expect(s?.cvPercent).toBe(33.3);
  });

  it('calls 14 days of CGM sufficient only with at least 70 % of the possible readings', () => {
    const possible = 288 * 14;
    expect(summariseGlucose(Array(Math.ceil(possible * 0.7)).fill(120), 'cgm', 14)?.sufficientData).toBe(
      true,
    );
    expect(summariseGlucose(Array(Math.floor(possible * 0.69)).fill(120), 'cgm', 14)?.sufficientData).toBe(
      false,
    );
  });

  it('has nothing to say without readings', () => {
    expect(summariseGlucose([], 'cgm', 14)).toBeNull();
  });
});
