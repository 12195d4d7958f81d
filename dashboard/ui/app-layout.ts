/**
 * The frame around every screen once logged in: the app name, the role's navigation
 * (admins see only administration, nurses and doctors never see it), who is logged in,
 * and the logout button.
 */
import type { SessionUser } from './api-types.ts';
import { button, h } from './dom.ts';
import { navItemsFor } from './routes.ts';

export interface Layout {
  element: HTMLElement;
  main: HTMLElement;
  /** Marks the navigation entry of the current page. */
  markCurrent(pathname: string): void;
}

export function renderLayout(user: SessionUser, onLogout: () => void): Layout {
  const links = navItemsFor(user.role).map((item) =>
    h('a', { href: item.path, class: 'nav-link' }, item.label),
  );
  const main = h('main', { id: 'screen', class: 'screen' });
  const element = h(
    'div',
    { class: 'layout' },
    h(
      'header',
      { class: 'top-bar' },
      h('a', { class: 'brand', href: '/' }, 'RPM'),
      h('nav', { class: 'main-nav', 'aria-label': 'Main' }, ...links),
      h(
        'div',
        { class: 'who' },
        h('span', { class: 'who-name' }, user.displayName),
        h('span', { class: 'who-role' }, user.role),
        button('Log out', onLogout, { class: 'logout' }),
      ),
    ),
    main,
  );
  return {
    element,
    main,
    markCurrent: (pathname) => {
      for (const link of links) {
        const href = link.getAttribute('href') ?? '';
        const current = pathname === href || pathname.startsWith(`${href}/`);
        if (current) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
  };
}
