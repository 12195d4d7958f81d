/**
 * The alert worklist (nurses and doctors) and the doctor's inbox: the alerts of the
 * user's patients (the server scopes them to the user's care teams), active ones by
 * severity then longest waiting, or the recent ones newest first.
 */
import { alertListView } from './alert-list.ts';
import { orderActiveAlerts, orderRecentAlerts } from './alert-order.ts';
import { errorText } from './api-client.ts';
import type { Alert } from './api-types.ts';
import { h, notice } from './dom.ts';
import { connectLiveFeed } from './live-connection.ts';
import { scheduleReloads } from './reload-schedule.ts';
import type { ScreenContext, StopScreen } from './screen-context.ts';

type Scope = 'active' | 'recent';

const TEXT = {
  worklist: { title: 'Alerts', lead: 'Alerts for the patients of your care teams.' },
  inbox: {
    title: 'My inbox',
    lead: 'Alerts for your patients. Open a patient to see the charts and care plan.',
  },
} as const;

const REFRESH_MS = 60_000;

export function showAlerts(root: HTMLElement, ctx: ScreenContext, mode: keyof typeof TEXT): StopScreen {
  ctx.setTitle(TEXT[mode].title);
  let scope: Scope = 'active';
  const list = alertListView(ctx.api, ctx.clock, true);
  const problem = h('div');
  const tabs = (['active', 'recent'] as const).map((s) => {
    const tab = h(
      'button',
      { type: 'button', class: 'tab', 'aria-pressed': String(s === scope) },
      s === 'active' ? 'Active' : 'Recent',
    );
    tab.addEventListener('click', () => {
      scope = s;
      for (const t of tabs) t.setAttribute('aria-pressed', String(t === tab));
      void load();
    });
    return tab;
  });

  let stopped = false;
  const load = async () => {
    try {
      const result = await ctx.api.get<{ alerts: Alert[] }>(`/api/alerts?scope=${scope}`);
      if (stopped) return;
      problem.replaceChildren();
      if (scope === 'active') list.show(orderActiveAlerts(result.alerts), 'No active alerts.');
      else list.show(orderRecentAlerts(result.alerts), 'No alerts in the recent period.');
    } catch (error) {
      if (!stopped)
        problem.replaceChildren(notice('error', `Could not load the alerts: ${errorText(error)}`));
    }
  };

  const reloads = scheduleReloads(() => void load(), REFRESH_MS);
  const live = connectLiveFeed({ alert: reloads.soon, reconnected: reloads.soon });

  root.replaceChildren(
    h(
      'div',
      { class: 'screen-head' },
      h('h1', {}, TEXT[mode].title),
      h('p', {}, TEXT[mode].lead),
      h('p', { class: 'screen-status' }, live.indicator),
    ),
    h('div', { class: 'tabs', role: 'group', 'aria-label': 'Which alerts' }, ...tabs),
    problem,
    list.element,
  );
  void load();

  return () => {
    stopped = true;
    live.close();
    reloads.stop();
  };
}
