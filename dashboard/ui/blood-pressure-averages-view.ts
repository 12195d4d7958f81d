/**
 * The home blood-pressure averages of the patient view: the 7- and 30-day means of the
 * reliable readings (calendar days in the clinic's zone, as the home-mean rule counts them)
 * with how many readings are behind each, beside the level of the patient's home-mean rule
 * (135/85 mmHg by default, ISH 2020 [K8]), so a doctor sees at a glance whether a week's
 * readings are enough to judge and on which side of the line they fall.
 */
import type { BloodPressureAverage } from './api-types.ts';
import { h, row, table } from './dom.ts';

type Threshold = BloodPressureAverage['threshold'];

const partsOf = (t: Threshold) => (typeof t === 'number' ? { systolic: t } : t);

function isAbove(a: BloodPressureAverage): boolean {
  const { systolic, diastolic } = partsOf(a.threshold);
  return (
    (systolic !== undefined && a.systolic >= systolic) ||
    (diastolic !== undefined && a.diastolic >= diastolic)
  );
}

function thresholdText(t: Threshold): string {
  const { systolic, diastolic } = partsOf(t);
  return [systolic, diastolic].map((v) => (v === undefined ? '-' : String(Math.round(v)))).join('/');
}

export function renderBloodPressureAverages(averages: readonly BloodPressureAverage[]): HTMLElement {
  const threshold = averages[0]?.threshold;
  return h(
    'div',
    { class: 'bp-averages' },
    table(
      'bp-averages',
      ['Period', 'Average', 'Readings'],
      averages.map((a) =>
        row(
          {},
          `Last ${a.days} days`,
          h(
            'span',
            { class: isAbove(a) ? 'bp-above' : 'bp-below' },
            `${Math.round(a.systolic)}/${Math.round(a.diastolic)} mmHg`,
          ),
          String(a.readings),
        ),
      ),
    ),
    h(
      'p',
      { class: 'chart-note' },
      `${threshold === undefined ? '' : `Home threshold ${thresholdText(threshold)} mmHg (the care plan's home-mean rule). `}Calendar days, today included. Readings flagged for body movement or a loose cuff are left out.`,
    ),
  );
}
