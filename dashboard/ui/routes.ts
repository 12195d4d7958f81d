/**
 * The page's addresses: which screen a path shows, where each role starts, and which
 * screens each role finds in the navigation. The server answers every one of these
 * paths with the same HTML shell (../ui-routes.ts: keep the two lists in step).
 */
import type { Role } from './api-types.ts';

export const ADMIN_SECTIONS = ['patients', 'gateways', 'users', 'teams', 'audit'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

export type Route =
  | { screen: 'home' }
  | { screen: 'login' }
  | { screen: 'ward' }
  | { screen: 'alerts' }
  | { screen: 'inbox' }
  | { screen: 'patient'; patientId: string }
  | { screen: 'admin'; section: AdminSection }
  | { screen: 'not-found'; path: string };

const isAdminSection = (s: string): s is AdminSection => (ADMIN_SECTIONS as readonly string[]).includes(s);

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const simple: Record<string, Route> = {
    '/': { screen: 'home' },
    '/login': { screen: 'login' },
    '/ward': { screen: 'ward' },
    '/alerts': { screen: 'alerts' },
    '/inbox': { screen: 'inbox' },
    '/admin': { screen: 'admin', section: 'patients' },
  };
  const known = simple[path];
  if (known) return known;
  const patient = /^\/patients\/([^/]+)$/.exec(path);
  if (patient?.[1]) return { screen: 'patient', patientId: decodeURIComponent(patient[1]) };
  const admin = /^\/admin\/([^/]+)$/.exec(path);
  if (admin?.[1] && isAdminSection(admin[1])) return { screen: 'admin', section: admin[1] };
  return { screen: 'not-found', path };
}

/** Where a role lands after logging in. */
export function homePathFor(role: Role): string {
  return { nurse: '/ward', doctor: '/inbox', admin: '/admin' }[role];
}

/** After a login: back to the page that asked for it, else the role's home. */
export function pathAfterLogin(requested: string, role: Role): string {
  const route = parseRoute(requested);
  return route.screen === 'home' || route.screen === 'login' || route.screen === 'not-found'
    ? homePathFor(role)
    : requested;
}

export interface NavItem {
  path: string;
  label: string;
}

/** The navigation of each role; admins see no clinical screens, nurses and doctors no administration. */
export function navItemsFor(role: Role): NavItem[] {
  switch (role) {
    case 'nurse':
      return [
        { path: '/ward', label: 'Ward' },
        { path: '/alerts', label: 'Alerts' },
      ];
    case 'doctor':
      return [
        { path: '/inbox', label: 'My inbox' },
        { path: '/ward', label: 'Ward' },
        { path: '/alerts', label: 'All alerts' },
      ];
    case 'admin':
      return [{ path: '/admin', label: 'Administration' }];
  }
}

export const patientPath = (patientId: string): string => `/patients/${encodeURIComponent(patientId)}`;
