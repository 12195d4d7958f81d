/**
 * What a ward tile says about its patient besides the numbers, as text (colour is never the
 * only signal): the attention state, silence, gateway connectivity, low device batteries.
 * Also how a live reading changes a tile. Pure: the clock is passed in.
 */
import { isLowBattery } from '../../common/battery.ts';
import { deviceKindLabel } from '../../common/device-kinds.ts';
import { SPARKLINE_METRICS } from '../../common/metrics.ts';
import type { LiveEvent, WardTile } from './api-types.ts';
import { formatDuration, isStale } from './time-ago.ts';
import { isVital } from './vital-signs.ts';

export const ATTENTION_LABEL: Record<WardTile['attention'], string> = {
  critical: 'CRITICAL',
  warning: 'WARNING',
  silent: 'SILENT',
  ok: 'OK',
};

export type Connectivity = { state: 'online' | 'offline' | 'unknown' | 'none'; text: string };

export function gatewayConnectivity(gateways: WardTile['gateways']): Connectivity {
  if (gateways.length === 0) return { state: 'none', text: 'No gateway assigned' };
  if (gateways.some((g) => g.online === false)) return { state: 'offline', text: 'Gateway offline' };
  if (gateways.some((g) => g.online === null)) return { state: 'unknown', text: 'Gateway not heard from' };
  return { state: 'online', text: 'Gateway online' };
}

/**
 * "Silent 3 h" for a silent patient, and for one with alerts whose newest reading is old
 * (an alert outranks silence in the ward's order, but the silence still matters);
 * "No readings yet" for a patient who never sent any.
 */
export function silenceText(
  tile: Pick<WardTile, 'attention' | 'lastReadingAt'>,
  nowMs: number,
): string | null {
  if (tile.lastReadingAt === null) return 'No readings yet';
  const silent =
    tile.attention === 'silent' || (tile.attention !== 'ok' && isStale(tile.lastReadingAt, nowMs));
  return silent ? `Silent ${formatDuration(nowMs - tile.lastReadingAt)}` : null;
}

export interface BatteryNote {
  text: string;
  low: boolean;
}

export function batteryNotes(devices: WardTile['devices']): BatteryNote[] {
  return devices
    .filter((d) => d.batteryPercent !== null)
    .map((d) => {
      const low = isLowBattery(d.batteryPercent);
      return {
        text: `${deviceKindLabel(d.kind)} battery ${d.batteryPercent} %${low ? ' (low)' : ''}`,
        low,
      };
    });
}

type ReadingEvent = Extract<LiveEvent, { type: 'reading' }>;

/**
 * The tile after a live reading: the value and its time if it is the newest of its metric,
 * and a point in the sparkline (kept in time order: a gateway replaying its spool sends
 * old readings after new ones).
 */
export function applyLiveReading(tile: WardTile, event: ReadingEvent): WardTile {
  const metric = event.metric;
  if (!isVital(metric)) return tile;
  const time = Date.parse(event.time);
  const current = tile.latest[metric];
  const latest = { ...tile.latest };
  if (!current || time >= current.time) {
    const value = {
      value: event.value,
      time,
      reliable: event.reliable,
      ...(event.components && { components: event.components }),
      ...(event.bound && { bound: event.bound }),
      ...(event.irregularPulse && { irregularPulse: true }),
    };
    if (metric === 'glucose') {
      latest.glucose =
        event.trendMgdlPerMin === undefined
          ? value
          : { ...value, trendMgdlPerMin: event.trendMgdlPerMin, source: 'cgm' };
    } else {
      latest[metric] = value;
    }
  }
  const lastReadingAt = Math.max(tile.lastReadingAt ?? time, time);
  const sparklineMetric = SPARKLINE_METRICS.find((m) => m === metric);
  if (!sparklineMetric) return { ...tile, latest, lastReadingAt };
  const point = { time, mean: event.value, min: event.value, max: event.value };
  const sparkline = [...tile.sparklines[sparklineMetric], point].sort((a, b) => a.time - b.time);
  return { ...tile, latest, sparklines: { ...tile.sparklines, [sparklineMetric]: sparkline }, lastReadingAt };
}
