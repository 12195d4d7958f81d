/**
 * Forms that do one thing: labelled fields, a submit button that is disabled while the
 * server works, and the outcome under the button in plain words (the server's message on
 * failure). Used by the login, the administration and the alert actions.
 */
import { errorText } from './api-client.ts';
import { type AttrValue, h, notice } from './dom.ts';

export interface FieldSpec {
  name: string;
  label: string;
  type?: 'text' | 'password' | 'number' | 'email' | 'select' | 'textarea';
  options?: readonly { value: string; label: string }[];
  required?: boolean;
  hint?: string;
  value?: string;
  attrs?: Record<string, AttrValue>;
}

export type FormValues = Record<string, string>;

export interface ActionFormOptions {
  fields: readonly FieldSpec[];
  submitLabel: string;
  className?: string;
  /** What to say on success (nothing: say nothing). Throwing shows the error under the form. */
  onSubmit(values: FormValues): Promise<string | undefined>;
  /** Clear the fields after a success (default true). */
  resetOnSuccess?: boolean;
  /** More buttons beside the submit button (e.g. Cancel). */
  extraButtons?: readonly HTMLElement[];
}

let nextId = 0;

export function field(spec: FieldSpec): HTMLElement {
  const id = `field-${++nextId}`;
  const common = { id, name: spec.name, required: spec.required ?? false, ...spec.attrs };
  const control =
    spec.type === 'select'
      ? h(
          'select',
          common,
          ...(spec.options ?? []).map((o) =>
            h('option', { value: o.value, selected: o.value === spec.value }, o.label),
          ),
        )
      : spec.type === 'textarea'
        ? h('textarea', { ...common, rows: 2 }, spec.value ?? '')
        : h('input', { ...common, type: spec.type ?? 'text', value: spec.value });
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, spec.label),
    control,
    spec.hint && h('small', { class: 'hint' }, spec.hint),
  );
}

export function actionForm(o: ActionFormOptions): HTMLFormElement {
  const outcome = h('div', { class: 'form-outcome' });
  const submit = h('button', { type: 'submit', class: 'primary' }, o.submitLabel);
  const form = h(
    'form',
    { class: `action-form ${o.className ?? ''}`.trim(), novalidate: false },
    ...o.fields.map(field),
    h('div', { class: 'form-buttons' }, submit, ...(o.extraButtons ?? [])),
    outcome,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values: FormValues = {};
    new FormData(form).forEach((value, name) => {
      values[name] = typeof value === 'string' ? value : '';
    });
    submit.disabled = true;
    outcome.replaceChildren();
    o.onSubmit(values).then(
      (message) => {
        submit.disabled = false;
        if (o.resetOnSuccess ?? true) form.reset();
        if (message) outcome.replaceChildren(notice('success', message));
      },
      (error: unknown) => {
        submit.disabled = false;
        outcome.replaceChildren(notice('error', errorText(error)));
      },
    );
  });
  return form;
}
