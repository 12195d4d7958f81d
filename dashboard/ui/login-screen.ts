/** The login form: user name and password; the server's refusal shown as it says it. */
import type { ApiClient } from './api-client.ts';
import type { SessionUser } from './api-types.ts';
import { h, notice } from './dom.ts';
import { actionForm } from './forms.ts';

export function showLogin(
  root: HTMLElement,
  api: ApiClient,
  reason: string | undefined,
  onLoggedIn: (user: SessionUser) => Promise<void>,
): void {
  document.title = 'Log in · RPM';
  const form = actionForm({
    submitLabel: 'Log in',
    resetOnSuccess: false,
    fields: [
      {
        name: 'username',
        label: 'User name',
        required: true,
        attrs: { autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' },
      },
      {
        name: 'password',
        label: 'Password',
        type: 'password',
        required: true,
        attrs: { autocomplete: 'current-password' },
      },
    ],
    onSubmit: async (values) => {
      const { user } = await api.send<{ user: SessionUser }>('POST', '/api/login', {
        username: values.username?.trim().toLowerCase(),
        password: values.password,
      });
      await onLoggedIn(user);
      return undefined;
    },
  });
  root.replaceChildren(
    h(
      'main',
      { class: 'login' },
      h('h1', {}, 'Remote patient monitoring'),
      h('p', { class: 'login-lead' }, 'Log in with your clinic account.'),
      reason && notice('info', reason),
      form,
    ),
  );
  form.querySelector('input')?.focus();
}
