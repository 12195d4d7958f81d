/**
 * The dashboard page: finds out who is logged in (GET /api/session: the login form on
 * 401), then shows the screen of the address, inside the role's navigation. Links within
 * the app change the address without reloading the page; back and forward work.
 */
import { showAdmin } from './admin-screen.ts';
import { showAlerts } from './alerts-screen.ts';
import { ApiError, createApiClient, errorText } from './api-client.ts';
import type { SessionResponse, SessionUser } from './api-types.ts';
import { renderLayout } from './app-layout.ts';
import { button, h, notice } from './dom.ts';
import { showLogin } from './login-screen.ts';
import { showPatient } from './patient-screen.ts';
import { homePathFor, parseRoute, pathAfterLogin } from './routes.ts';
import type { ScreenContext, StopScreen } from './screen-context.ts';
import { createServerClock } from './server-clock.ts';
import { showWard } from './ward-screen.ts';

const appRoot = document.getElementById('app') ?? document.body;
const api = createApiClient(() => {
  // Several requests may fail at once when a session ends; the first one shows the login.
  if (!user) return;
  user = undefined;
  render('Your session has ended. Please log in again.');
});
const clock = createServerClock();
let user: SessionUser | undefined;
let stopScreen: StopScreen | undefined;

function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else if (path !== location.pathname) history.pushState(null, '', path);
  render();
}

async function loadSession(): Promise<void> {
  const session = await api.get<SessionResponse>('/api/session');
  api.setCsrfToken(session.csrfToken);
  user = session.user;
}

function showScreen(main: HTMLElement, current: SessionUser): StopScreen | undefined {
  const route = parseRoute(location.pathname);
  const ctx: ScreenContext = {
    api,
    user: current,
    clock,
    setTitle: (title) => {
      document.title = `${title} · RPM`;
    },
  };
  switch (route.screen) {
    case 'ward':
      return showWard(main, ctx);
    case 'alerts':
      return showAlerts(main, ctx, 'worklist');
    case 'inbox':
      return showAlerts(main, ctx, 'inbox');
    case 'patient':
      return showPatient(main, ctx, route.patientId);
    case 'admin':
      return showAdmin(main, ctx, route.section);
    case 'not-found':
      ctx.setTitle('Not found');
      main.replaceChildren(
        h('h1', {}, 'Page not found'),
        h(
          'p',
          {},
          `There is no page at ${route.path}. `,
          h('a', { href: homePathFor(current.role) }, 'Go to your start page'),
        ),
      );
      return undefined;
    case 'home':
    case 'login':
      return undefined;
  }
}

function render(reason?: string): void {
  stopScreen?.();
  stopScreen = undefined;
  if (!user) {
    showLogin(appRoot, api, reason, async () => {
      await loadSession();
      const current = user;
      if (current) navigate(pathAfterLogin(location.pathname, current.role), true);
    });
    return;
  }
  const route = parseRoute(location.pathname);
  if (route.screen === 'home' || route.screen === 'login') {
    navigate(homePathFor(user.role), true);
    return;
  }
  const layout = renderLayout(user, logout);
  layout.markCurrent(location.pathname);
  appRoot.replaceChildren(layout.element);
  stopScreen = showScreen(layout.main, user);
}

async function logout(): Promise<void> {
  try {
    await api.send('POST', '/api/logout');
  } catch (error) {
    // Logged out either way: the session cookie is cleared by the server or already gone.
    if (!(error instanceof ApiError)) throw error;
  }
  user = undefined;
  history.pushState(null, '', '/login');
  render('You have logged out.');
}

/** Same-origin links inside the app change the screen without reloading the page. */
document.addEventListener('click', (event) => {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  )
    return;
  const link = event.target instanceof Element ? event.target.closest('a') : null;
  const href = link?.getAttribute('href');
  if (
    !link ||
    !href?.startsWith('/') ||
    href.startsWith('/api/') ||
    link.target ||
    link.hasAttribute('download')
  )
    return;
  event.preventDefault();
  navigate(href);
});
window.addEventListener('popstate', () => render());

async function start(): Promise<void> {
  try {
    await loadSession();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      appRoot.replaceChildren(
        h(
          'main',
          { class: 'login' },
          h('h1', {}, 'Remote patient monitoring'),
          notice('error', errorText(error)),
          button('Try again', () => void start(), { class: 'primary' }),
        ),
      );
      return;
    }
  }
  render();
}
void start();
