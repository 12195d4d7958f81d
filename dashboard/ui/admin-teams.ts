/**
 * Administration: care teams and their members in escalation order (an unacknowledged
 * alert goes to number 1 first, then 2, and on). Patients are put in teams on the
 * Patients tab.
 */
import { seg, staffIdField } from './admin-fields.ts';
import { errorText } from './api-client.ts';
import type { AdminCareTeam, AdminUser } from './api-types.ts';
import { button, h, notice, section, setChildren } from './dom.ts';
import { actionForm } from './forms.ts';
import type { ScreenContext } from './screen-context.ts';

function memberEditor(
  ctx: ScreenContext,
  team: AdminCareTeam,
  users: readonly AdminUser[],
  onSaved: () => Promise<void>,
): HTMLElement {
  let order = team.members.map((m) => m.userId);
  const staff = users.filter((u) => u.role !== 'admin' && u.active);
  const nameOf = (id: string) => {
    const u = users.find((x) => x.id === id);
    return u ? `${u.displayName} (${u.role})` : id;
  };
  const editor = h('div', { class: 'member-editor' });
  const outcome = h('div', { class: 'form-outcome' });
  const move = (i: number, by: number) => {
    const next = [...order];
    const [moved] = next.splice(i, 1);
    if (moved === undefined) return;
    next.splice(Math.max(0, Math.min(next.length, i + by)), 0, moved);
    order = next;
    render();
  };
  const render = () => {
    const addable = staff.filter((u) => !order.includes(u.id));
    const picker = h(
      'select',
      { 'aria-label': `Add a member to ${team.name}` },
      ...addable.map((u) => h('option', { value: u.id }, `${u.displayName} (${u.role})`)),
    );
    setChildren(
      editor,
      h(
        'ol',
        { class: 'members' },
        ...order.map((id, i) =>
          h(
            'li',
            {},
            `${nameOf(id)} `,
            button('Up', () => move(i, -1), {
              class: 'small',
              disabled: i === 0,
              'aria-label': `Move ${id} up`,
            }),
            button('Down', () => move(i, 1), {
              class: 'small',
              disabled: i === order.length - 1,
              'aria-label': `Move ${id} down`,
            }),
            button(
              'Remove',
              () => {
                order = order.filter((x) => x !== id);
                render();
              },
              { class: 'small', 'aria-label': `Remove ${id}` },
            ),
          ),
        ),
      ),
      addable.length > 0 &&
        h(
          'p',
          { class: 'add-member' },
          picker,
          ' ',
          button('Add', () => {
            if (picker.value) order = [...order, picker.value];
            render();
          }),
        ),
      h(
        'div',
        { class: 'form-buttons' },
        button(
          'Save members',
          () => {
            outcome.replaceChildren();
            ctx.api
              .send('PUT', `/api/admin/care-teams/${seg(team.id)}/members`, {
                members: order.map((userId, i) => ({ userId, escalationOrder: i + 1 })),
              })
              .then(onSaved, (error: unknown) => outcome.replaceChildren(notice('error', errorText(error))));
          },
          { class: 'primary' },
        ),
      ),
      outcome,
    );
  };
  render();
  return editor;
}

export async function showAdminTeams(holder: HTMLElement, ctx: ScreenContext): Promise<void> {
  const { api } = ctx;
  const teamsSlot = h('div');

  const refresh = async () => {
    const [{ careTeams }, { users }] = await Promise.all([
      api.get<{ careTeams: AdminCareTeam[] }>('/api/admin/care-teams'),
      api.get<{ users: AdminUser[] }>('/api/admin/users'),
    ]);
    teamsSlot.replaceChildren(
      ...careTeams.map((team) =>
        h(
          'article',
          { class: 'team', 'data-team-id': team.id },
          h('h3', {}, `${team.name} `, h('small', {}, team.id)),
          h('p', {}, `Patients: ${team.patientIds.join(', ') || 'none yet'}`),
          h('h4', {}, 'Members, in escalation order'),
          memberEditor(ctx, team, users, refresh),
        ),
      ),
    );
  };
  await refresh();

  const create = actionForm({
    submitLabel: 'Create care team',
    fields: [
      staffIdField('Team ID', 'ward-c'),
      { name: 'name', label: 'Name', required: true, attrs: { maxlength: 80 } },
    ],
    onSubmit: async (values) => {
      await api.send('POST', '/api/admin/care-teams', { id: values.id?.trim(), name: values.name?.trim() });
      await refresh();
      return `Care team ${values.name?.trim()} created. Add its members above.`;
    },
  });

  holder.replaceChildren(section('Care teams', teamsSlot), section('Create a care team', create));
}
