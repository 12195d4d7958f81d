/**
 * One patient on the ward: name and id, the attention state in words, active alerts,
 * the latest heart rate, SpO2 and glucose with units and ages (and blood pressure, weight and
 * temperature where the patient has such a device), the CGM trend, a sparkline
 * of the main metric, and the devices' and gateway's state. The whole tile opens the
 * patient view.
 */

import { METRICS, SPARKLINE_METRICS } from '../../common/metrics.ts';
import { renderActiveAlertList } from './active-alert-list.ts';
import { ageLabel } from './age-label.ts';
import type { WardTile } from './api-types.ts';
import { h } from './dom.ts';
import { classifyGlucoseTrend } from './glucose-trend.ts';
import { patientPath } from './routes.ts';
import { renderSparkline } from './sparkline.ts';
import { primaryVital, VITALS, type Vital, vitalLabel, vitalText } from './vital-signs.ts';
import { ATTENTION_LABEL, batteryNotes, gatewayConnectivity, silenceText } from './ward-tile-status.ts';

/** How far back the sparkline looks; the ward answer carries the last 6 h. */
const SPARKLINE_WINDOW_MS = 6 * 3_600_000;

/** "+2.2", "-0.4", "0.0": a change with its sign, to the scale's tenth. */
const signed = (kg: number) => `${kg > 0 ? '+' : ''}${kg.toFixed(1)}`;

const ATTENTION_ICON: Record<WardTile['attention'], string> = {
  critical: '⚠',
  warning: '⚠',
  silent: '…',
  ok: '✓',
};

/**
 * Whether a tile shows a vital: one the patient has readings of; a patient with none at all
 * shows the continuously monitored ones as "No reading" (a new patient, a silent one).
 */
function shown(tile: WardTile, vital: Vital): boolean {
  if (tile.latest[vital]) return true;
  return Object.keys(tile.latest).length === 0 && SPARKLINE_METRICS.some((v) => v === vital);
}

function vitalRow(tile: WardTile, vital: Vital, nowMs: number): HTMLElement {
  const latest = tile.latest[vital];
  const { name } = vitalLabel(vital);
  if (!latest) {
    return h(
      'div',
      { class: `vital vital-${vital} vital-missing` },
      h('dt', {}, name),
      h('dd', {}, 'No reading'),
    );
  }
  const shown = vitalText(latest, vital);
  const trend =
    vital === 'glucose' && tile.latest.glucose?.trendMgdlPerMin !== undefined
      ? classifyGlucoseTrend(tile.latest.glucose.trendMgdlPerMin)
      : undefined;
  return h(
    'div',
    { class: `vital vital-${vital}`, 'data-metric': vital },
    h('dt', {}, name),
    h(
      'dd',
      {},
      h('span', { class: 'value' }, shown.value),
      ' ',
      h('span', { class: 'unit' }, shown.unit),
      trend &&
        h(
          'span',
          {
            class: `trend trend-step${trend.step}`,
            title: `${tile.latest.glucose?.trendMgdlPerMin} mg/dL per min`,
          },
          h('span', { class: 'trend-glyph', 'aria-hidden': 'true' }, trend.glyph),
          ` ${trend.label}`,
        ),
      vital === 'body_weight' &&
        tile.weightChange &&
        h(
          'span',
          { class: 'weight-change' },
          ` ${signed(tile.weightChange.kg)} kg in ${tile.weightChange.days} days`,
        ),
      latest.irregularPulse && h('span', { class: 'tag tag-irregular' }, 'Irregular pulse'),
      !latest.reliable && h('span', { class: 'tag tag-unreliable' }, 'Unreliable'),
      ageLabel(latest.time, nowMs),
    ),
  );
}

export function renderWardTile(tile: WardTile, nowMs: number): HTMLElement {
  const primary = primaryVital(tile);
  const connectivity = gatewayConnectivity(tile.gateways);
  const silence = silenceText(tile, nowMs);
  const sparkLabel = `${vitalLabel(primary).name}, last 6 h`;
  return h(
    'article',
    {
      class: `tile attention-${tile.attention}`,
      'data-patient-id': tile.patientId,
      'aria-label': `${tile.displayName}, ${ATTENTION_LABEL[tile.attention]}`,
    },
    h(
      'a',
      { class: 'tile-link', href: patientPath(tile.patientId) },
      h(
        'header',
        { class: 'tile-head' },
        h(
          'span',
          { class: `badge badge-${tile.attention}` },
          h('span', { 'aria-hidden': 'true' }, ATTENTION_ICON[tile.attention]),
          ` ${ATTENTION_LABEL[tile.attention]}`,
        ),
        h('h2', { class: 'tile-name' }, tile.displayName),
        h('span', { class: 'tile-id' }, tile.patientId),
      ),
      tile.alerts.length > 0 && renderActiveAlertList(tile.alerts),
      h(
        'dl',
        { class: 'vitals' },
        ...VITALS.filter((v) => shown(tile, v)).map((v) => vitalRow(tile, v, nowMs)),
      ),
      shown(tile, primary) &&
        h(
          'figure',
          { class: 'tile-spark' },
          renderSparkline(
            tile.sparklines[primary],
            // Up to the newest reading even if its device clock runs a little ahead of the server's.
            { fromMs: nowMs - SPARKLINE_WINDOW_MS, toMs: Math.max(nowMs, tile.lastReadingAt ?? nowMs) },
            METRICS[primary].chart?.sparklineMinSpan ?? 0,
            sparkLabel,
          ),
          h('figcaption', {}, sparkLabel),
        ),
      h(
        'footer',
        { class: 'tile-foot' },
        h('span', { class: `conn conn-${connectivity.state}` }, connectivity.text),
        silence && h('span', { class: 'silence' }, silence),
        ...batteryNotes(tile.devices).map((b) =>
          h('span', { class: b.low ? 'battery battery-low' : 'battery' }, b.low ? `⚠ ${b.text}` : b.text),
        ),
      ),
    ),
  );
}
