/**
 * The order of the alert worklist: active alerts by severity (critical first), then the
 * longest-waiting first, as the ward view orders its tiles (../ward-tiles.ts). Recent
 * alerts (history) read newest first.
 */
import type { Alert, Severity } from './api-types.ts';

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function orderActiveAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      Date.parse(a.firedAt) - Date.parse(b.firedAt) ||
      a.patientName.localeCompare(b.patientName),
  );
}

export function orderRecentAlerts(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort((a, b) => Date.parse(b.firedAt) - Date.parse(a.firedAt));
}
