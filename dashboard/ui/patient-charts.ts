/**
 * The patient view's charts: every charted vital of the catalogue (heart rate, SpO2, glucose,
 * and blood pressure with its diastolic, weight and temperature where the patient has
 * readings) over the chosen range, drawn
 * with uPlot from InfluxDB's downsampled buckets: the mean as a line, the bucket minimum
 * to maximum as a band. Each care plan threshold is a dashed line labelled with the rule
 * title, the side that fires shaded; the same thresholds are listed under the chart in
 * words (a canvas says nothing to a screen reader or a search).
 */
import uPlot from 'uplot';
import { CHART_METRICS, METRICS, SPARKLINE_METRICS } from '../../common/metrics.ts';
import { type ApiClient, errorText } from './api-client.ts';
import type { ChangeBand, ChartRange, ChartResponse, ThresholdBand } from './api-types.ts';
import { chartValueRange } from './chart-scale.ts';
import { h, notice, setChildren } from './dom.ts';
import { formatAxisTime } from './time-ago.ts';
import { vitalLabel } from './vital-signs.ts';

export const CHART_RANGE_LABEL: Record<ChartRange, string> = {
  '6h': '6 hours',
  '24h': '24 hours',
  '7d': '7 days',
  '30d': '30 days',
};

const HEIGHT = 220;

const LINE = '#1d4f91';
const BAND = 'rgba(29, 79, 145, 0.18)';
const DIASTOLIC_LINE = '#6b2d8f';
const BAND_FILL = 'rgba(138, 83, 0, 0.12)';
const THRESHOLD_COLOUR: Record<string, string> = { critical: '#a3001b', warning: '#8a5300', info: '#444444' };

function drawThresholds(u: uPlot, thresholds: readonly ThresholdBand[]): void {
  const { ctx, bbox } = u;
  const ratio = window.devicePixelRatio || 1;
  for (const t of thresholds) {
    const y = u.valToPos(t.level, 'y', true);
    const colour = THRESHOLD_COLOUR[t.severity] ?? THRESHOLD_COLOUR.info ?? '#444444';
    ctx.save();
    ctx.fillStyle = colour;
    ctx.globalAlpha = 0.06;
    const edge = t.direction === 'below' ? bbox.top + bbox.height : bbox.top;
    ctx.fillRect(bbox.left, Math.min(y, edge), bbox.width, Math.abs(edge - y));
    ctx.globalAlpha = 1;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5 * ratio;
    ctx.setLineDash([6 * ratio, 4 * ratio]);
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    ctx.font = `${12 * ratio}px system-ui, sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = t.direction === 'below' ? 'top' : 'bottom';
    ctx.fillText(
      `${t.title}: ${t.level}${t.part ? ` ${t.part}` : ''}`,
      bbox.left + 6 * ratio,
      y + (t.direction === 'below' ? 3 : -3) * ratio,
    );
    ctx.restore();
  }
}

/** A change rule's band (a weight within 2 kg of the lowest of 3 days), shaded across the chart. */
function drawBands(u: uPlot, bands: readonly ChangeBand[]): void {
  const { ctx, bbox } = u;
  for (const band of bands) {
    const top = u.valToPos(band.to, 'y', true);
    const bottom = u.valToPos(band.from, 'y', true);
    ctx.save();
    ctx.fillStyle = BAND_FILL;
    ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
    ctx.restore();
  }
}

const bandText = (b: ChangeBand, unit: string) => {
  const [edge, baseline] = b.direction === 'rising' ? ['above', 'lowest'] : ['below', 'highest'];
  return `${b.title}: alert at more than ${b.by} ${unit} ${edge} the ${baseline} of the last ${b.windowDays} days (shaded: ${b.from.toFixed(1)}-${b.to.toFixed(1)} ${unit})`;
};

/**
 * A level converted to the chart's unit, to one decimal more than the vital shows: a rule
 * written as 3.9 mmol/L reads 70.3 mg/dL, not 70.26084.
 */
const levelText = (level: number, metric: ChartResponse['metric']) =>
  String(Number(level.toFixed(METRICS[metric].precision + 1)));

function thresholdList(chart: ChartResponse): HTMLElement | false {
  if (!chart.thresholds.length && !chart.bands.length) return false;
  const unit = vitalLabel(chart.metric).unit;
  return h(
    'ul',
    { class: 'threshold-list' },
    ...chart.bands.map((b) => h('li', { class: 'severity-warning' }, bandText(b, unit))),
    ...chart.thresholds.map((t) =>
      h(
        'li',
        { class: `severity-${t.severity}` },
        `${t.title}: alert level ${levelText(t.level, chart.metric)} ${vitalLabel(chart.metric).unit}${t.part ? ` ${t.part}` : ''} (readings ${t.direction} it)`,
      ),
    ),
  );
}

function drawChart(target: HTMLElement, chart: ChartResponse): uPlot {
  const levels = [...chart.thresholds.map((t) => t.level), ...chart.bands.flatMap((b) => [b.from, b.to])];
  // A blood pressure also draws its diastolic (the mean of each bucket) under the systolic.
  const diastolic = chart.points.some((p) => p.components?.diastolic)
    ? [chart.points.map((p) => p.components?.diastolic?.mean ?? null)]
    : [];
  const data: uPlot.AlignedData = [
    chart.points.map((p) => p.time / 1000),
    chart.points.map((p) => p.mean),
    chart.points.map((p) => p.min),
    chart.points.map((p) => p.max),
    ...diastolic,
  ];
  const valueLabel = METRICS[chart.metric].valueLabel;
  const options: uPlot.Options = {
    width: Math.max(target.clientWidth, 280),
    height: HEIGHT,
    scales: {
      x: { time: true, range: [Date.parse(chart.from) / 1000, Date.parse(chart.to) / 1000] },
      y: { range: () => chartValueRange(chart.points, levels, METRICS[chart.metric].chart?.minSpan ?? 0) },
    },
    series: [
      {},
      {
        label: valueLabel ? `${valueLabel} (mean)` : 'Mean',
        stroke: LINE,
        width: 2,
        points: { show: chart.points.length < 60, size: 5, fill: LINE },
      },
      { label: 'Lowest', stroke: 'transparent', points: { show: false } },
      { label: 'Highest', stroke: 'transparent', points: { show: false } },
      ...diastolic.map(() => ({
        label: 'Diastolic (mean)',
        stroke: DIASTOLIC_LINE,
        width: 2,
        dash: [8, 4],
        points: { show: chart.points.length < 60, size: 5, fill: DIASTOLIC_LINE },
      })),
    ],
    bands: [{ series: [3, 2], fill: BAND }],
    axes: [
      {
        stroke: '#222222',
        values: (_u, splits, _axis, _space, incr) => splits.map((s) => formatAxisTime(s * 1000, incr * 1000)),
      },
      { stroke: '#222222', label: vitalLabel(chart.metric).unit },
    ],
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    hooks: { draw: [(u) => drawBands(u, chart.bands), (u) => drawThresholds(u, chart.thresholds)] },
  };
  return new uPlot(options, data, target);
}

export interface PatientCharts {
  element: HTMLElement;
  stop(): void;
}

export function renderPatientCharts(api: ApiClient, patientId: string, initial: ChartRange): PatientCharts {
  let plots: uPlot[] = [];
  let generation = 0;
  const charts = h('div', { class: 'charts' });
  const buttons = (Object.keys(CHART_RANGE_LABEL) as ChartRange[]).map((range) => {
    const b = h('button', { type: 'button', class: 'tab', 'data-range': range }, CHART_RANGE_LABEL[range]);
    b.addEventListener('click', () => show(range));
    return b;
  });

  const show = (range: ChartRange) => {
    const mine = ++generation;
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.range === range));
    for (const p of plots) p.destroy();
    plots = [];
    const panels = CHART_METRICS.map((metric) => {
      const body = h('div', { class: 'chart-body' }, h('p', { class: 'loading' }, 'Loading...'));
      const panel = h(
        'figure',
        { class: `chart chart-${metric}`, 'data-metric': metric },
        h(
          'figcaption',
          {},
          `${vitalLabel(metric).name} (${vitalLabel(metric).unit}), last ${CHART_RANGE_LABEL[range]}`,
        ),
        body,
      );
      const query = `metric=${metric}&range=${range}`;
      api.get<ChartResponse>(`/api/patients/${encodeURIComponent(patientId)}/chart?${query}`).then(
        (chart) => {
          if (mine !== generation) return;
          if (!chart.points.length) {
            // A spot measurement the patient has no device for (a cuff, a scale) is not charted at all.
            if (!SPARKLINE_METRICS.some((m) => m === metric)) {
              panel.remove();
              return;
            }
            body.replaceChildren(
              notice(
                'info',
                `No ${vitalLabel(metric).name} readings in the last ${CHART_RANGE_LABEL[range]}.`,
              ),
            );
            return;
          }
          const canvasHolder = h('div', { class: 'chart-canvas' });
          setChildren(
            body,
            canvasHolder,
            h('p', { class: 'chart-note' }, 'Line: average. Shaded band: lowest to highest.'),
            thresholdList(chart),
          );
          plots.push(drawChart(canvasHolder, chart));
        },
        (error: unknown) => {
          if (mine === generation)
            body.replaceChildren(notice('error', `Could not load the chart: ${errorText(error)}`));
        },
      );
      return panel;
    });
    charts.replaceChildren(...panels);
  };

  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  const onResize = () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const p of plots) {
        const holder = p.root.parentElement;
        if (holder) p.setSize({ width: Math.max(holder.clientWidth, 280), height: HEIGHT });
      }
    }, 200);
  };
  window.addEventListener('resize', onResize);
  show(initial);

  return {
    element: h(
      'div',
      {},
      h('div', { class: 'tabs', role: 'group', 'aria-label': 'Chart period' }, ...buttons),
      charts,
    ),
    stop: () => {
      generation++;
      window.removeEventListener('resize', onResize);
      clearTimeout(resizeTimer);
      for (const p of plots) p.destroy();
    },
  };
}
