/**
 * The patient view: active alerts, the charts, the 14-day glucose summary, the home
 * blood-pressure averages (for a patient with a cuff), adherence,
 * devices, alert history and the care plan. Each part loads on its own, so one that
 * fails (says why) leaves the others readable.
 */

import { renderActiveAlertList } from './active-alert-list.ts';
import { alertListView } from './alert-list.ts';
import { orderRecentAlerts } from './alert-order.ts';
import { errorText } from './api-client.ts';
import type { Alert, PatientViewResponse } from './api-types.ts';
import { renderBloodPressureAverages } from './blood-pressure-averages-view.ts';
import { renderCarePlan } from './care-plan-view.ts';
import { renderDeviceTable } from './device-table.ts';
import { h, notice, section } from './dom.ts';
import { renderGlucoseSummary } from './glucose-summary-view.ts';
import { renderPatientCharts } from './patient-charts.ts';
import type { ScreenContext, StopScreen } from './screen-context.ts';

function alertHistory(ctx: ScreenContext, patientId: string): HTMLElement {
  const list = alertListView(ctx.api, ctx.clock, false);
  ctx.api
    .get<{ alerts: Alert[] }>(`/api/alerts?scope=recent&patientId=${encodeURIComponent(patientId)}`)
    .then(
      ({ alerts }) => list.show(orderRecentAlerts(alerts), 'No alerts in the recent period.'),
      (error: unknown) =>
        list.element.replaceChildren(
          notice('error', `Could not load the alert history: ${errorText(error)}`),
        ),
    );
  return list.element;
}

export function showPatient(root: HTMLElement, ctx: ScreenContext, patientId: string): StopScreen {
  ctx.setTitle(`Patient ${patientId}`);
  let stopCharts: (() => void) | undefined;
  let stopped = false;
  root.replaceChildren(
    h('p', { class: 'back' }, h('a', { href: '/ward' }, '← Ward')),
    h('p', { class: 'loading' }, 'Loading...'),
  );

  ctx.api.get<PatientViewResponse>(`/api/patients/${encodeURIComponent(patientId)}`).then(
    (view) => {
      if (stopped) return;
      ctx.setTitle(view.patient.displayName);
      const charts = renderPatientCharts(ctx.api, patientId, '24h');
      stopCharts = charts.stop;
      const { adherence } = view;
      root.replaceChildren(
        h('p', { class: 'back' }, h('a', { href: '/ward' }, '← Ward')),
        h(
          'div',
          { class: 'screen-head' },
          h('h1', {}, view.patient.displayName),
          h('p', { class: 'patient-id' }, `Patient ${view.patient.id}`),
        ),
        section(
          'Active alerts',
          view.activeAlerts.length
            ? renderActiveAlertList(view.activeAlerts)
            : h('p', { class: 'no-alerts' }, 'No active alerts.'),
        ),
        section('Charts', charts.element),
        section('Glucose, last 14 days', renderGlucoseSummary(view.glucoseSummary)),
        ...(view.bloodPressureAverages.length > 0
          ? [section('Home blood pressure', renderBloodPressureAverages(view.bloodPressureAverages))]
          : []),
        section(
          'Adherence and devices',
          h(
            'p',
            { class: 'adherence' },
            `Readings on ${adherence.daysWithReadings} of the last ${adherence.ofDays} days.`,
          ),
          renderDeviceTable(view.devices, ctx.clock.now()),
        ),
        section('Alert history', alertHistory(ctx, patientId)),
        section('Care plan', renderCarePlan(ctx.api, patientId, ctx.user.role)),
      );
    },
    (error: unknown) => {
      if (stopped) return;
      root.replaceChildren(
        h('p', { class: 'back' }, h('a', { href: '/ward' }, '← Ward')),
        h('h1', {}, 'Cannot show this patient'),
        notice('error', errorText(error)),
      );
    },
  );

  return () => {
    stopped = true;
    stopCharts?.();
  };
}
