/**
 * The 14-day glucose summary (computed by the server, ../glucose-summary.ts): the five
 * time-in-range bands as one stacked bar with the numbers beside it, mean glucose, GMI
 * and CV, and a plain note when there is not enough CGM data to trust them [K3].
 */
import { TIR_BANDS_MGDL } from '../glucose-summary.ts';
import type { GlucoseSummary } from './api-types.ts';
import { h, notice, row, table } from './dom.ts';

const { veryLow, low, high, veryHigh } = TIR_BANDS_MGDL;

/**
 * Band names and the consensus targets for most adults with diabetes (Battelino et al.
 * 2019 [K3]): in range over 70 %, below 70 under 4 %, below 54 under 1 %, above 180
 * under 25 %, above 250 under 5 %. Ordered from the lowest band to the highest.
 */
const BANDS: readonly { key: keyof GlucoseSummary; name: string; range: string; target: string }[] = [
  { key: 'veryLowPercent', name: 'Very low', range: `below ${veryLow}`, target: 'target under 1 %' },
  {
    key: 'lowPercent',
    name: 'Low',
    range: `${veryLow}-${low - 1}`,
    target: 'target under 4 % with very low',
  },
  { key: 'inRangePercent', name: 'In range', range: `${low}-${high}`, target: 'target over 70 %' },
  {
    key: 'highPercent',
    name: 'High',
    range: `${high + 1}-${veryHigh}`,
    target: 'target under 25 % with very high',
  },
  { key: 'veryHighPercent', name: 'Very high', range: `above ${veryHigh}`, target: 'target under 5 %' },
];

/** CV of 36 % or less is considered stable [K3]. */
const STABLE_CV_PERCENT = 36;

const percent = (s: GlucoseSummary, key: keyof GlucoseSummary) => {
  const value = s[key];
  return typeof value === 'number' ? value : 0;
};

export function renderGlucoseSummary(summary: GlucoseSummary | null): HTMLElement {
  if (!summary) return notice('info', 'No glucose readings in the last 14 days.');
  const bar = h(
    'div',
    {
      class: 'tir-bar',
      role: 'img',
      'aria-label': BANDS.map((b) => `${b.name} ${percent(summary, b.key)} %`).join(', '),
    },
    ...BANDS.map((b) => {
      const segment = h('span', {
        class: `tir-segment tir-${b.key}`,
        title: `${b.name}: ${percent(summary, b.key)} %`,
      });
      segment.style.width = `${percent(summary, b.key)}%`;
      return segment;
    }),
  );
  const legend = table(
    'tir-table',
    ['Band (mg/dL)', 'Share', 'Consensus target'],
    [...BANDS]
      .reverse()
      .map((b) =>
        row(
          { class: `tir-row-${b.key}` },
          h(
            'span',
            {},
            h('span', { class: `tir-swatch tir-${b.key}`, 'aria-hidden': 'true' }),
            ` ${b.name} (${b.range})`,
          ),
          h('td', { class: 'num' }, `${percent(summary, b.key)} %`),
          b.target,
        ),
      ),
  );
  const source = summary.source === 'cgm' ? 'CGM' : 'glucose meter';
  const stats = h(
    'dl',
    { class: 'stats' },
    h('div', {}, h('dt', {}, 'Mean glucose'), h('dd', {}, `${summary.meanMgdl} mg/dL`)),
    h(
      'div',
      {},
      h('dt', {}, 'GMI'),
      h('dd', {}, summary.gmiPercent === null ? 'Needs CGM data' : `${summary.gmiPercent} %`),
    ),
    h(
      'div',
      {},
      h('dt', {}, 'Variability (CV)'),
      h(
        'dd',
        {},
        summary.cvPercent === null
          ? 'Not enough readings'
          : `${summary.cvPercent} % (${summary.cvPercent <= STABLE_CV_PERCENT ? 'stable' : 'unstable'}, target ${STABLE_CV_PERCENT} % or less)`,
      ),
    ),
    h(
      'div',
      {},
      h('dt', {}, 'Readings'),
      h('dd', {}, `${summary.readings} from ${source}, ${summary.days} days`),
    ),
  );
  return h(
    'div',
    { class: 'glucose-summary' },
    !summary.sufficientData &&
      notice(
        'info',
        summary.source === 'cgm'
          ? 'Not enough CGM data: these numbers need 14 days with at least 70 % of CGM readings. Read them with care.'
          : 'Not enough CGM data: this summary is from meter tests, which show moments, not time in range. Read it with care.',
      ),
    bar,
    legend,
    stats,
  );
}
