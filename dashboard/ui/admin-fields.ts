/** Fields and drop-down choices shared by the administration forms. */
import type { AdminCareTeam, AdminGateway, AdminPatient } from './api-types.ts';
import type { FieldSpec } from './forms.ts';

export interface Choice {
  value: string;
  label: string;
}

const NONE: Choice = { value: '', label: '(none)' };

export const patientChoices = (patients: readonly AdminPatient[]): Choice[] =>
  patients.map((p) => ({ value: p.id, label: `${p.displayName} (${p.id})` }));

export const gatewayChoices = (gateways: readonly AdminGateway[], optional: boolean): Choice[] => [
  ...(optional ? [NONE] : []),
  ...gateways.map((g) => ({ value: g.id, label: g.label ? `${g.label} (${g.id})` : g.id })),
];

export const teamChoices = (teams: readonly AdminCareTeam[], optional: boolean): Choice[] => [
  ...(optional ? [NONE] : []),
  ...teams.map((t) => ({ value: t.id, label: t.name })),
];

/** Path segment for an id chosen in a form. */
export const seg = (id: string): string => encodeURIComponent(id);

/**
 * The id of a new patient or gateway, in the wire contract's format (PatientId, GatewayId in
 * ../../common/contract.ts): it travels in MQTT topics and with every reading.
 */
export function wireIdField(label: string, hint: string): FieldSpec {
  return {
    name: 'id',
    label,
    required: true,
    hint: `Letters, digits and _ . : - ${hint}`,
    attrs: { pattern: '[A-Za-z0-9][A-Za-z0-9_.:\\-]{0,63}', autocapitalize: 'none' },
  };
}

/** The id of a new user or care team (UserId, CareTeamId in ../../records/). */
export function staffIdField(label: string, example: string): FieldSpec {
  return {
    name: 'id',
    label,
    required: true,
    hint: `2-32 lowercase letters, digits, . _ or - (for example ${example}).`,
    attrs: { autocapitalize: 'none', pattern: '[a-z0-9][a-z0-9._\\-]{1,31}' },
  };
}
