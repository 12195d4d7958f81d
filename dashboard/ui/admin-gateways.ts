/**
 * Administration: home gateways. Registering one, issuing its credentials (the secret is
 * shown once, with a plain warning to copy it now), and the patients each one serves.
 */
import { seg, wireIdField } from './admin-fields.ts';
import { errorText } from './api-client.ts';
import type { AdminGateway, GatewayCredentials } from './api-types.ts';
import { button, confirmingButton, h, notice, row, section, table } from './dom.ts';
import { actionForm } from './forms.ts';
import type { ScreenContext } from './screen-context.ts';
import { formatClock } from './time-ago.ts';

function secretPanel(issued: GatewayCredentials, onDone: () => void): HTMLElement {
  const secret = h('input', {
    type: 'text',
    readonly: true,
    value: issued.secret,
    class: 'secret',
    'aria-label': 'Gateway secret',
  });
  secret.addEventListener('focus', () => secret.select());
  const copied = h('span', { class: 'copy-result', role: 'status' });
  const copy = button('Copy secret', () => {
    secret.select();
    navigator.clipboard?.writeText(issued.secret).then(
      () => {
        copied.textContent = 'Copied.';
      },
      () => {
        copied.textContent = 'Could not copy: select the text and copy it by hand.';
      },
    );
  });
  return h(
    'div',
    { class: 'secret-panel', role: 'alert' },
    h('h3', {}, `Credentials for gateway ${issued.gatewayId}`),
    h('p', { class: 'secret-warning' }, 'Copy the secret now. It will not be shown again.'),
    h('p', {}, 'Enter these in the gateway settings. If the secret is lost, issue new credentials.'),
    h(
      'dl',
      { class: 'credentials' },
      h('div', {}, h('dt', {}, 'MQTT user name'), h('dd', {}, h('code', {}, issued.mqttUsername))),
      h('div', {}, h('dt', {}, 'MQTT client ID'), h('dd', {}, h('code', {}, issued.mqttClientId))),
      h('div', {}, h('dt', {}, 'Secret'), h('dd', {}, secret, ' ', copy, ' ', copied)),
    ),
    button('I have copied it', onDone, { class: 'primary' }),
  );
}

export async function showAdminGateways(holder: HTMLElement, ctx: ScreenContext): Promise<void> {
  const { api } = ctx;
  const secretSlot = h('div');
  const problem = h('div');
  const tableSlot = h('div');

  const issue = async (gatewayId: string) => {
    problem.replaceChildren();
    try {
      const issued = await api.send<GatewayCredentials>(
        'POST',
        `/api/admin/gateways/${seg(gatewayId)}/credentials`,
      );
      secretSlot.replaceChildren(secretPanel(issued, () => secretSlot.replaceChildren()));
      secretSlot.scrollIntoView({ block: 'nearest' });
      await refresh();
    } catch (error) {
      problem.replaceChildren(notice('error', errorText(error)));
    }
  };

  const issueCell = (g: AdminGateway): HTMLElement =>
    g.credentialsIssuedAt
      ? confirmingButton(
          'Issue new credentials',
          'The current secret stops working at once: the gateway cannot connect until it is given the new one.',
          'Issue new credentials',
          () => void issue(g.id),
        )
      : button('Issue credentials', () => void issue(g.id), { class: 'primary' });

  const patientCell = (g: AdminGateway): HTMLElement =>
    g.patientIds.length
      ? h(
          'ul',
          { class: 'plain' },
          ...g.patientIds.map((patientId) =>
            h(
              'li',
              {},
              `${patientId} `,
              confirmingButton(
                'Remove',
                `Readings for ${patientId} from ${g.id} will be refused.`,
                `Remove ${patientId}`,
                () => void unassign(g.id, patientId),
                { class: 'small', 'aria-label': `Remove ${patientId} from ${g.id}` },
              ),
            ),
          ),
        )
      : h('span', {}, 'None');

  const unassign = async (gatewayId: string, patientId: string) => {
    problem.replaceChildren();
    try {
      await api.send('DELETE', `/api/admin/gateways/${seg(gatewayId)}/patients/${seg(patientId)}`);
      await refresh();
    } catch (error) {
      problem.replaceChildren(notice('error', errorText(error)));
    }
  };

  const refresh = async () => {
    const { gateways } = await api.get<{ gateways: AdminGateway[] }>('/api/admin/gateways');
    tableSlot.replaceChildren(
      table(
        'admin-table',
        ['Gateway ID', 'Label', 'Patients', 'Credentials', ''],
        gateways.map((g) =>
          row(
            { 'data-gateway-id': g.id },
            g.id,
            g.label || '',
            patientCell(g),
            g.credentialsIssuedAt ? `Issued ${formatClock(Date.parse(g.credentialsIssuedAt))}` : 'Not issued',
            issueCell(g),
          ),
        ),
      ),
    );
  };
  await refresh();

  const register = actionForm({
    submitLabel: 'Register gateway',
    fields: [
      wireIdField('Gateway ID', '(for example gw-home-3). It is also the MQTT user name.'),
      {
        name: 'label',
        label: 'Label (optional)',
        hint: 'Where it is, e.g. "Amina Bibi, Lahore".',
        attrs: { maxlength: 80 },
      },
    ],
    onSubmit: async (values) => {
      const id = values.id?.trim() ?? '';
      await api.send('POST', '/api/admin/gateways', { id, label: values.label?.trim() ?? '' });
      await refresh();
      return `Gateway ${id} registered. Issue its credentials in the list above.`;
    },
  });

  holder.replaceChildren(
    secretSlot,
    problem,
    section('Gateways', tableSlot),
    section('Register a gateway', register),
  );
}
