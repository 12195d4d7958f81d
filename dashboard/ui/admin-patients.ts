/** Administration: the patients, registering one, and assigning patients to gateways and care teams. */
import { gatewayChoices, patientChoices, seg, teamChoices, wireIdField } from './admin-fields.ts';
import type { ApiClient } from './api-client.ts';
import type { AdminCareTeam, AdminGateway, AdminPatient } from './api-types.ts';
import { h, row, section, table } from './dom.ts';
import { actionForm, type FormValues } from './forms.ts';
import type { ScreenContext } from './screen-context.ts';

interface Lists {
  patients: AdminPatient[];
  gateways: AdminGateway[];
  teams: AdminCareTeam[];
}

async function loadLists(api: ApiClient): Promise<Lists> {
  const [p, g, t] = await Promise.all([
    api.get<{ patients: AdminPatient[] }>('/api/admin/patients'),
    api.get<{ gateways: AdminGateway[] }>('/api/admin/gateways'),
    api.get<{ careTeams: AdminCareTeam[] }>('/api/admin/care-teams'),
  ]);
  return { patients: p.patients, gateways: g.gateways, teams: t.careTeams };
}

function patientTable(lists: Lists): HTMLElement {
  const teamName = (id: string) => lists.teams.find((t) => t.id === id)?.name ?? id;
  return table(
    'admin-table',
    ['Patient ID', 'Name', 'Gateways', 'Care teams'],
    lists.patients.map((p) =>
      row(
        { 'data-patient-id': p.id },
        p.id,
        p.displayName,
        p.gatewayIds.join(', ') || 'None',
        p.careTeamIds.map(teamName).join(', ') || 'None',
      ),
    ),
  );
}

/** Assigns a patient to the gateway and care team chosen in a form (either may be left empty). */
async function assign(api: ApiClient, patientId: string, values: FormValues): Promise<string[]> {
  const done: string[] = [];
  if (values.gatewayId) {
    await api.send('PUT', `/api/admin/gateways/${seg(values.gatewayId)}/patients/${seg(patientId)}`);
    done.push(`gateway ${values.gatewayId}`);
  }
  if (values.teamId) {
    await api.send('PUT', `/api/admin/care-teams/${seg(values.teamId)}/patients/${seg(patientId)}`);
    done.push(`care team ${values.teamId}`);
  }
  return done;
}

export async function showAdminPatients(holder: HTMLElement, ctx: ScreenContext): Promise<void> {
  const { api } = ctx;
  const lists = await loadLists(api);
  const tableSlot = h('div', {}, patientTable(lists));
  const refresh = async () => tableSlot.replaceChildren(patientTable(await loadLists(api)));

  const register = actionForm({
    submitLabel: 'Register patient',
    fields: [
      wireIdField('Patient ID', '(for example P-1004). A code, not a name: it travels with every reading.'),
      { name: 'displayName', label: 'Name shown to staff', required: true, attrs: { maxlength: 80 } },
      {
        name: 'gatewayId',
        label: 'Gateway (optional)',
        type: 'select',
        options: gatewayChoices(lists.gateways, true),
      },
      {
        name: 'teamId',
        label: 'Care team (optional)',
        type: 'select',
        options: teamChoices(lists.teams, true),
      },
    ],
    onSubmit: async (values) => {
      const id = values.id?.trim() ?? '';
      await api.send('POST', '/api/admin/patients', { id, displayName: values.displayName?.trim() });
      const assigned = await assign(api, id, values);
      await refresh();
      return `Patient ${id} registered${assigned.length ? ` and assigned to ${assigned.join(' and ')}` : ''}.`;
    },
  });

  const assignForm = actionForm({
    submitLabel: 'Assign',
    fields: [
      {
        name: 'patientId',
        label: 'Patient',
        type: 'select',
        required: true,
        options: patientChoices(lists.patients),
      },
      { name: 'gatewayId', label: 'Gateway', type: 'select', options: gatewayChoices(lists.gateways, true) },
      { name: 'teamId', label: 'Care team', type: 'select', options: teamChoices(lists.teams, true) },
    ],
    onSubmit: async (values) => {
      const patientId = values.patientId ?? '';
      const assigned = await assign(api, patientId, values);
      await refresh();
      return assigned.length
        ? `${patientId} assigned to ${assigned.join(' and ')}.`
        : 'Choose a gateway or a care team.';
    },
  });

  holder.replaceChildren(
    section('Patients', tableSlot),
    section('Register a patient', register),
    section('Assign a patient to a gateway or care team', assignForm),
  );
}
