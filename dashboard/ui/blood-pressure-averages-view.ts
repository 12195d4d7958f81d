/**
 * The home blood-pressure averages of the patient view: the 7- and 30-day means of the
 * reliable readings with how many readings are behind each, beside the home threshold of
 * 135/85 mmHg (ISH 2020 [K8]), so a doctor sees at a glance whether a week's readings are
 * enough to judge and on which side of the line they fall.
 */
import type { BloodPressureAverage } from './api-types.ts';
import { h, row, table } from './dom.ts';

/** ISH 2020 [K8]: home blood pressure at or above 135/85 mmHg is hypertension. */
const HOME_THRESHOLD = { systolic: 135, diastolic: 85 };

export function renderBloodPressureAverages(averages: readonly BloodPressureAverage[]): HTMLElement {
  return h(
    'div',
    { class: 'bp-averages' },
    table(
      'bp-averages',
      ['Period', 'Average', 'Readings'],
      averages.map((a) => {
        const above = a.systolic >= HOME_THRESHOLD.systolic || a.diastolic >= HOME_THRESHOLD.diastolic;
        return row(
          {},
          `Last ${a.days} days`,
          h(
            'span',
            { class: above ? 'bp-above' : 'bp-below' },
            `${Math.round(a.systolic)}/${Math.round(a.diastolic)} mmHg`,
          ),
          String(a.readings),
        );
      }),
    ),
    h(
      'p',
      { class: 'chart-note' },
      `Home threshold ${HOME_THRESHOLD.systolic}/${HOME_THRESHOLD.diastolic} mmHg (ISH 2020). Readings flagged for body movement or a loose cuff are left out.`,
    ),
  );
}
