/**
 * A list of alert cards. A card that was just acted on is replaced where it stands (the
 * list is not re-sorted until the next load), so nothing jumps under the user's finger.
 *
 * A card with an action form open stays as it is, where it is, through every reload (a live
 * alert event, the minute's refresh), even once its alert has left the list: a half-typed
 * note is never thrown away. If the alert changed meanwhile (another nurse resolved it), the
 * server refuses the action and the card says why.
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
  let cards: { alertId: string; card: HTMLElement }[] = [];
  const render = (actedOn?: string) => {
    const nowMs = clock.now();
    const writing = (card: HTMLElement) =>
      (card.querySelector('.alert-form-slot')?.childElementCount ?? 0) > 0;
    const kept = new Map(
      cards.filter((c) => c.alertId !== actedOn && writing(c.card)).map((c) => [c.alertId, c.card]),
    );
    const next = shown.map((alert) => ({
      alertId: alert.alertId,
      card:
        kept.get(alert.alertId) ??
        renderAlertCard(alert, {
          api,
          nowMs,
          showPatient,
          onChanged: (changed) => {
            shown = shown.map((a) => (a.alertId === changed.alertId ? changed : a));
            render(changed.alertId);
          },
        }),
    }));
    const listed = new Set(shown.map((a) => a.alertId));
    for (const [alertId, card] of kept) {
      if (!listed.has(alertId))
        next.splice(
          cards.findIndex((c) => c.alertId === alertId),
          0,
          { alertId, card },
        );
    }
    cards = next;
    element.replaceChildren(...(cards.length ? cards.map((c) => c.card) : [notice('info', empty)]));
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
