/**
 * Administration (admins only; the server refuses everyone else, and this page shows its
 * refusal): patients, gateways and their one-time credentials, users, care teams and the
 * audit log, one tab each.
 */
import { showAdminAudit } from './admin-audit.ts';
import { showAdminGateways } from './admin-gateways.ts';
import { showAdminPatients } from './admin-patients.ts';
import { showAdminTeams } from './admin-teams.ts';
import { showAdminUsers } from './admin-users.ts';
import { errorText } from './api-client.ts';
import { h, notice, setChildren } from './dom.ts';
import type { AdminSection } from './routes.ts';
import type { ScreenContext, StopScreen } from './screen-context.ts';

const TABS: Record<
  AdminSection,
  { label: string; show: (holder: HTMLElement, ctx: ScreenContext) => Promise<void> }
> = {
  patients: { label: 'Patients', show: showAdminPatients },
  gateways: { label: 'Gateways', show: showAdminGateways },
  users: { label: 'Users', show: showAdminUsers },
  teams: { label: 'Care teams', show: showAdminTeams },
  audit: { label: 'Audit log', show: showAdminAudit },
};

export function showAdmin(root: HTMLElement, ctx: ScreenContext, section: AdminSection): StopScreen {
  ctx.setTitle(`Administration: ${TABS[section].label}`);
  const holder = h('div', { class: 'admin-section' }, h('p', { class: 'loading' }, 'Loading...'));
  const tabs =
    ctx.user.role === 'admin' &&
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Administration' },
      ...(Object.keys(TABS) as AdminSection[]).map((s) =>
        h(
          'a',
          { href: `/admin/${s}`, class: 'tab', 'aria-current': s === section ? 'page' : false },
          TABS[s].label,
        ),
      ),
    );
  setChildren(root, h('div', { class: 'screen-head' }, h('h1', {}, 'Administration')), tabs, holder);
  let stopped = false;
  TABS[section].show(holder, ctx).catch((error: unknown) => {
    if (!stopped) holder.replaceChildren(notice('error', `Cannot show this page: ${errorText(error)}`));
  });
  return () => {
    stopped = true;
  };
}
