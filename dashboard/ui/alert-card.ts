/**
 * One alert with what can be done about it: acknowledge with a note, snooze for a chosen
 * time with an optional note, resolve with a note. The server answers with the alert as it
 * now stands (or 409 and the reason when the change is not allowed), and the card shows
 * who did what and when.
 */

import { alertStatusText, describeHistoryEntry, SEVERITY_LABEL, SNOOZE_CHOICES } from './alert-wording.ts';
import type { ApiClient } from './api-client.ts';
import type { Alert } from './api-types.ts';
import { button, h } from './dom.ts';
import { actionForm, type FieldSpec } from './forms.ts';
import { patientPath } from './routes.ts';
import { formatClock, timeAgo } from './time-ago.ts';

type Action = 'acknowledge' | 'snooze' | 'resolve';

const ACTION_LABEL: Record<Action, string> = {
  acknowledge: 'Acknowledge',
  snooze: 'Snooze',
  resolve: 'Resolve',
};

const NOTE: FieldSpec = {
  name: 'note',
  label: 'Note (optional)',
  type: 'textarea',
  attrs: { maxlength: 1000 },
};
/** Closing an alert says why, for whoever reads its history later. */
const RESOLVE_NOTE: FieldSpec = { ...NOTE, label: 'Why can it be closed?', required: true };

function actionsFor(alert: Alert): Action[] {
  if (alert.state === 'resolved') return [];
  return alert.state === 'firing' ? ['acknowledge', 'snooze', 'resolve'] : ['snooze', 'resolve'];
}

export interface AlertCardOptions {
  api: ApiClient;
  nowMs: number;
  /** Show the patient's name as a link to the patient view (not needed inside that view). */
  showPatient: boolean;
  onChanged(alert: Alert): void;
}

export function renderAlertCard(alert: Alert, o: AlertCardOptions): HTMLElement {
  const formSlot = h('div', { class: 'alert-form-slot' });
  const open = (action: Action) => {
    const fields: FieldSpec[] =
      action === 'snooze'
        ? [
            {
              name: 'minutes',
              label: 'Snooze for',
              type: 'select',
              value: '60',
              options: SNOOZE_CHOICES.map((c) => ({ value: String(c.minutes), label: c.label })),
            },
            NOTE,
          ]
        : [action === 'resolve' ? RESOLVE_NOTE : NOTE];
    formSlot.replaceChildren(
      actionForm({
        className: 'alert-action-form',
        fields,
        submitLabel: ACTION_LABEL[action],
        extraButtons: [button('Cancel', () => formSlot.replaceChildren())],
        onSubmit: async (values) => {
          const note = values.note?.trim() ? { note: values.note.trim() } : {};
          const body = action === 'snooze' ? { minutes: Number(values.minutes), ...note } : note;
          const result = await o.api.send<{ alert: Alert }>(
            'POST',
            `/api/alerts/${encodeURIComponent(alert.alertId)}/${action}`,
            body,
          );
          o.onChanged(result.alert);
          return undefined;
        },
      }),
    );
    formSlot.querySelector<HTMLElement>('select, textarea')?.focus();
  };

  const fired = Date.parse(alert.firedAt);
  return h(
    'article',
    { class: `alert-card severity-${alert.severity} state-${alert.state}`, 'data-alert-id': alert.alertId },
    h(
      'header',
      { class: 'alert-head' },
      h('span', { class: `badge badge-${alert.severity}` }, SEVERITY_LABEL[alert.severity]),
      h('h3', {}, alert.title),
    ),
    h(
      'p',
      { class: 'alert-meta' },
      o.showPatient &&
        h('a', { href: patientPath(alert.patientId), class: 'alert-patient' }, alert.patientName),
      o.showPatient && ` (${alert.patientId}) · `,
      alert.arrivedLate
        ? `Happened ${formatClock(Date.parse(alert.episodeStart))}, arrived ${formatClock(fired)} (${timeAgo(fired, o.nowMs)})`
        : `Started ${formatClock(fired)} (${timeAgo(fired, o.nowMs)})`,
    ),
    alert.arrivedLate &&
      h(
        'p',
        { class: 'alert-late' },
        'Arrived late (a gateway offline, or the server restarting): for review, nobody was paged.',
      ),
    alert.message && h('p', { class: 'alert-message' }, alert.message),
    h('p', { class: 'alert-status' }, alertStatusText(alert, o.nowMs)),
    h(
      'div',
      { class: 'alert-actions' },
      ...actionsFor(alert).map((a) => button(ACTION_LABEL[a], () => open(a))),
    ),
    formSlot,
    alert.history.length > 0 &&
      h(
        'details',
        { class: 'alert-history' },
        h('summary', {}, `What happened (${alert.history.length})`),
        h('ol', {}, ...alert.history.map((entry) => h('li', {}, describeHistoryEntry(entry)))),
      ),
  );
}
