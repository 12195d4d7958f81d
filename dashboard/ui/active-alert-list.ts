/** The active alerts the server attaches to a ward tile and a patient view, each with severity in words. */
import { SEVERITY_LABEL } from './alert-wording.ts';
import type { ActiveAlertSummary } from './api-types.ts';
import { h } from './dom.ts';
import { formatClock } from './time-ago.ts';

export function renderActiveAlertList(alerts: readonly ActiveAlertSummary[]): HTMLElement {
  return h(
    'ul',
    { class: 'tile-alerts' },
    ...alerts.map((a) =>
      h(
        'li',
        { class: `tile-alert severity-${a.severity}` },
        h('strong', {}, SEVERITY_LABEL[a.severity]),
        ` ${a.title}`,
        h('span', { class: 'since' }, ` since ${formatClock(Date.parse(a.since))}`),
        a.state === 'acknowledged' && h('span', { class: 'tag' }, 'Acknowledged'),
      ),
    ),
  );
}
