/**
 * A list of alert cards. A card that was just acted on is replaced where it stands (the
 * list is not re-sorted until the next load), so nothing jumps under the user's finger.
 */

import { renderAlertCard } from './alert-card.ts';
import type { ApiClient } from './api-client.ts';
import type { Alert } from './api-types.ts';
import { h, notice } from './dom.ts';
import type { ServerClock } from './server-clock.ts';

export interface AlertListView {
  element: HTMLElement;
  show(alerts: readonly Alert[], emptyText: string): void;
}

export function alertListView(api: ApiClient, clock: ServerClock, showPatient: boolean): AlertListView {
  const element = h('div', { class: 'alert-list' }, h('p', { class: 'loading' }, 'Loading...'));
  let shown: Alert[] = [];
  let empty = '';
  const render = () => {
    const nowMs = clock.now();
    element.replaceChildren(
      ...(shown.length
        ? shown.map((alert) =>
            renderAlertCard(alert, {
              api,
              nowMs,
              showPatient,
              onChanged: (changed) => {
                shown = shown.map((a) => (a.alertId === changed.alertId ? changed : a));
                render();
              },
            }),
          )
        : [notice('info', empty)]),
    );
  };
  return {
    element,
    show: (alerts, emptyText) => {
      shown = [...alerts];
      empty = emptyText;
      render();
    },
  };
}
