/** Administration: the audit log (who viewed, changed and acknowledged what, and when), newest first. */
import type { AdminAuditEntry } from './api-types.ts';
import { h, row, section, table } from './dom.ts';
import { actionForm, type FormValues } from './forms.ts';
import type { ScreenContext } from './screen-context.ts';
import { formatClock } from './time-ago.ts';

const TARGET_TYPES = [
  { value: '', label: 'Any' },
  { value: 'patient', label: 'Patient' },
  { value: 'gateway', label: 'Gateway' },
  { value: 'user', label: 'User' },
  { value: 'care_team', label: 'Care team' },
];

function query(values: FormValues): string {
  const params = new URLSearchParams({ limit: '200' });
  if (values.actor?.trim()) params.set('actor', values.actor.trim());
  if (values.targetType) params.set('targetType', values.targetType);
  if (values.targetId?.trim()) params.set('targetId', values.targetId.trim());
  return params.toString();
}

const detailText = (detail: Record<string, unknown>) =>
  Object.keys(detail).length ? JSON.stringify(detail) : '';

export async function showAdminAudit(holder: HTMLElement, ctx: ScreenContext): Promise<void> {
  const tableSlot = h('div');
  const show = async (values: FormValues) => {
    const { entries } = await ctx.api.get<{ entries: AdminAuditEntry[] }>(
      `/api/admin/audit?${query(values)}`,
    );
    tableSlot.replaceChildren(
      entries.length
        ? table(
            'admin-table audit',
            ['When', 'Who', 'Action', 'What', 'Details'],
            entries.map((e) =>
              row(
                {},
                formatClock(Date.parse(e.at)),
                e.actor,
                e.action,
                `${e.targetType} ${e.targetId}`,
                h('code', {}, detailText(e.detail)),
              ),
            ),
          )
        : h('p', {}, 'Nothing recorded matches.'),
    );
    return undefined;
  };
  await show({});
  const filter = actionForm({
    className: 'inline-form',
    submitLabel: 'Show',
    resetOnSuccess: false,
    fields: [
      { name: 'actor', label: 'Who (user name)' },
      { name: 'targetType', label: 'Kind', type: 'select', options: TARGET_TYPES },
      { name: 'targetId', label: 'ID (patient, gateway...)' },
    ],
    onSubmit: show,
  });
  holder.replaceChildren(section('Audit log (latest 200)', filter, tableSlot));
}
