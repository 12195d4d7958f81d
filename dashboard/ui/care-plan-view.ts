/**
 * The patient's care plan: which templates apply and each rule in words. Nurses read it;
 * doctors switch rules on and off, change their values and the templates, and see the
 * server's reason when a change is refused (it names the rule and the field).
 */

import { SEVERITY_LABEL } from './alert-wording.ts';
import { type ApiClient, errorText } from './api-client.ts';
import type {
  CarePlanResponse,
  CarePlanRule,
  CarePlanTemplatesResponse,
  Role,
  RuleOverrides,
} from './api-types.ts';
import { carePlanUpdate, EDITABLE_FIELD, overrideText, readOverrides } from './care-plan-edit.ts';
import { h, notice, row, setChildren, table } from './dom.ts';

const carePlanPath = (patientId: string) => `/api/patients/${encodeURIComponent(patientId)}/care-plan`;

/** A rule in words: its title, what it watches for, and the sources of its numbers. */
function ruleCell(rule: CarePlanRule): HTMLTableCellElement {
  return h(
    'td',
    {},
    h('strong', {}, rule.title),
    h('br'),
    h('span', { class: 'rule-summary' }, rule.summary),
    h('small', { class: 'rule-source' }, ` Source: ${rule.source}`),
  );
}

type Templates = CarePlanTemplatesResponse['templates'];

function readOnlyPlan(plan: CarePlanResponse, templates: Templates | undefined): HTMLElement {
  const title = (id: string) => templates?.find((t) => t.id === id)?.title ?? id;
  return h(
    'div',
    { class: 'care-plan' },
    h('p', {}, `Templates: ${plan.templates.map(title).join('; ')}`),
    table(
      'rules',
      ['Rule', 'Severity', 'State'],
      plan.rules.map((r) =>
        row(
          { 'data-rule-id': r.ruleId, class: r.enabled ? '' : 'rule-off' },
          ruleCell(r),
          SEVERITY_LABEL[r.severity],
          r.enabled ? 'On' : 'Off',
        ),
      ),
    ),
    h('p', { class: 'hint' }, 'Only a doctor can change the care plan.'),
  );
}

interface RuleInputs {
  rule: CarePlanRule;
  enabled: HTMLInputElement;
  value: HTMLInputElement;
}

function ruleRow(
  rule: CarePlanRule,
  overrides: RuleOverrides,
): { row: HTMLTableRowElement; inputs: RuleInputs } {
  const { label } = EDITABLE_FIELD[rule.kind];
  const enabled = h('input', { type: 'checkbox', checked: rule.enabled, 'aria-label': `${rule.title}: on` });
  // A blood-pressure level is typed as systolic/diastolic: a decimal keypad has no "/".
  const parts = EDITABLE_FIELD[rule.kind].field === 'level' ? rule.levelParts : [];
  const value = h('input', {
    type: 'text',
    inputmode: parts.length ? 'text' : 'decimal',
    class: 'rule-value',
    value: overrideText(overrides, rule),
    placeholder: parts.length ? `as template (${parts.join('/')})` : 'as template',
    'aria-label': `${rule.title}: ${label.toLowerCase()}`,
  });
  const tr = row(
    { 'data-rule-id': rule.ruleId, class: rule.enabled ? '' : 'rule-off' },
    h('label', { class: 'switch' }, enabled, ' On'),
    ruleCell(rule),
    SEVERITY_LABEL[rule.severity],
    h('label', { class: 'value-label' }, label, value),
  );
  return { row: tr, inputs: { rule, enabled, value } };
}

function editablePlan(
  api: ApiClient,
  patientId: string,
  plan: CarePlanResponse,
  templates: Templates | undefined,
  outcome: string | undefined,
  rerender: (plan: CarePlanResponse, outcome: string) => void,
): HTMLElement {
  const overrides = readOverrides(plan.overrides);
  const rows = plan.rules.map((r) => ruleRow(r, overrides));
  const templateBoxes = (templates ?? plan.templates.map((id) => ({ id, title: id }))).map((t) => ({
    id: t.id,
    box: h('input', {
      type: 'checkbox',
      name: 'template',
      value: t.id,
      checked: plan.templates.includes(t.id),
      disabled: !templates,
    }),
    title: t.title,
  }));
  const result = h('div', { class: 'form-outcome' }, outcome && notice('success', outcome));
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save care plan');
  const form = h(
    'form',
    { class: 'care-plan care-plan-edit' },
    h(
      'fieldset',
      { class: 'templates' },
      h('legend', {}, 'Templates'),
      ...templateBoxes.map((t) => h('label', { class: 'check' }, t.box, ` ${t.title}`)),
    ),
    table(
      'rules',
      ['On', 'Rule', 'Severity', 'Change value'],
      rows.map((r) => r.row),
    ),
    h(
      'p',
      { class: 'hint' },
      'Leave a value empty to use the template value. Every change is recorded in the audit log.',
    ),
    h('div', { class: 'form-buttons' }, save),
    result,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const update = carePlanUpdate(
      plan.rules,
      overrides,
      templateBoxes.filter((t) => t.box.checked).map((t) => t.id),
      rows.map(({ inputs }) => ({
        ruleId: inputs.rule.ruleId,
        enabled: inputs.enabled.checked,
        value: inputs.value.value,
      })),
    );
    if (!update.ok) {
      result.replaceChildren(notice('error', update.problems.join('. ')));
      return;
    }
    save.disabled = true;
    result.replaceChildren();
    api.send<CarePlanResponse>('PUT', carePlanPath(patientId), update.body).then(
      (saved) => rerender(saved, 'Care plan saved.'),
      (error: unknown) => {
        save.disabled = false;
        result.replaceChildren(notice('error', `Not saved: ${errorText(error)}`));
      },
    );
  });
  return form;
}

export function renderCarePlan(api: ApiClient, patientId: string, role: Role): HTMLElement {
  const holder = h('div', { class: 'care-plan-holder' }, h('p', { class: 'loading' }, 'Loading...'));
  const load = async () => {
    const plan = await api.get<CarePlanResponse>(carePlanPath(patientId));
    let templates: Templates | undefined;
    let templatesProblem: HTMLElement | false = false;
    try {
      templates = (await api.get<CarePlanTemplatesResponse>('/api/care-plan-templates')).templates;
    } catch (error) {
      const consequence = role === 'doctor' ? ', so they cannot be changed now' : '';
      templatesProblem = notice('error', `Could not load the templates${consequence}: ${errorText(error)}`);
    }
    if (role !== 'doctor') {
      setChildren(holder, templatesProblem, readOnlyPlan(plan, templates));
      return;
    }
    const show = (current: CarePlanResponse, outcome?: string) =>
      setChildren(holder, templatesProblem, editablePlan(api, patientId, current, templates, outcome, show));
    show(plan);
  };
  load().catch((error: unknown) =>
    holder.replaceChildren(notice('error', `Could not load the care plan: ${errorText(error)}`)),
  );
  return holder;
}
