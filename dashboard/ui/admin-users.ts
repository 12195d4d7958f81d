/** Administration: staff accounts. Create with a role, deactivate or reactivate, reset a password. */
import { seg, staffIdField } from './admin-fields.ts';
import { errorText } from './api-client.ts';
import type { AdminUser } from './api-types.ts';
import { button, confirmingButton, h, notice, row, section, table } from './dom.ts';
import { actionForm } from './forms.ts';
import type { ScreenContext } from './screen-context.ts';

const ROLE_CHOICES = [
  { value: 'nurse', label: 'Nurse' },
  { value: 'doctor', label: 'Doctor' },
  { value: 'admin', label: 'Administrator' },
];

const PASSWORD_HINT = 'At least 12 characters. A short sentence is easy to remember.';

export async function showAdminUsers(holder: HTMLElement, ctx: ScreenContext): Promise<void> {
  const { api } = ctx;
  const tableSlot = h('div');
  const problem = h('div');

  const act = async (change: () => Promise<unknown>) => {
    problem.replaceChildren();
    try {
      await change();
      await refresh();
    } catch (error) {
      problem.replaceChildren(notice('error', errorText(error)));
    }
  };

  const actions = (u: AdminUser): HTMLElement => {
    const cell = h('div', { class: 'user-actions' });
    const resetForm = () =>
      actionForm({
        submitLabel: 'Set password',
        fields: [
          {
            name: 'password',
            label: `New password for ${u.id}`,
            type: 'password',
            required: true,
            hint: PASSWORD_HINT,
            attrs: { autocomplete: 'new-password', minlength: 12 },
          },
        ],
        extraButtons: [button('Cancel', () => cell.replaceChildren(...startButtons()))],
        onSubmit: async (values) => {
          await api.send('POST', `/api/admin/users/${seg(u.id)}/password`, { password: values.password });
          return `Password of ${u.id} changed. Their open sessions were ended.`;
        },
      });
    const startButtons = () => [
      u.active
        ? confirmingButton(
            'Deactivate',
            `${u.id} will be logged out and cannot log in.`,
            `Deactivate ${u.id}`,
            () => void act(() => api.send('POST', `/api/admin/users/${seg(u.id)}/active`, { active: false })),
          )
        : button(
            'Activate',
            () => void act(() => api.send('POST', `/api/admin/users/${seg(u.id)}/active`, { active: true })),
          ),
      button('Reset password', () => cell.replaceChildren(resetForm())),
    ];
    cell.append(...startButtons());
    return cell;
  };

  const refresh = async () => {
    const { users } = await api.get<{ users: AdminUser[] }>('/api/admin/users');
    tableSlot.replaceChildren(
      table(
        'admin-table',
        ['User name', 'Name', 'Role', 'Email', 'Status', ''],
        users.map((u) =>
          row(
            { 'data-user-id': u.id, class: u.active ? '' : 'inactive' },
            u.id,
            u.displayName,
            u.role,
            u.email ?? '',
            u.active ? 'Active' : 'Deactivated',
            actions(u),
          ),
        ),
      ),
    );
  };
  await refresh();

  const create = actionForm({
    submitLabel: 'Create user',
    fields: [
      staffIdField('User name', 'nurse.hina'),
      { name: 'displayName', label: 'Full name', required: true, attrs: { maxlength: 80 } },
      { name: 'role', label: 'Role', type: 'select', required: true, options: ROLE_CHOICES },
      { name: 'email', label: 'Email (optional, for alert notifications)', type: 'email' },
      {
        name: 'password',
        label: 'First password',
        type: 'password',
        required: true,
        hint: PASSWORD_HINT,
        attrs: { autocomplete: 'new-password', minlength: 12 },
      },
    ],
    onSubmit: async (values) => {
      const id = values.id?.trim() ?? '';
      await api.send('POST', '/api/admin/users', {
        id,
        displayName: values.displayName?.trim(),
        role: values.role,
        ...(values.email?.trim() && { email: values.email.trim() }),
        password: values.password,
      });
      await refresh();
      return `User ${id} created. Give them the password in person.`;
    },
  });

  holder.replaceChildren(problem, section('Users', tableSlot), section('Add a user', create));
}
