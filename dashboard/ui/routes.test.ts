import { describe, expect, it } from 'vitest';
import { navItemsFor, parseRoute, pathAfterLogin, patientPath } from './routes.ts';

describe('parseRoute', () => {
  it.each([
    ['/', { screen: 'home' }],
    ['/ward', { screen: 'ward' }],
    ['/ward/', { screen: 'ward' }],
    ['/inbox', { screen: 'inbox' }],
    ['/admin', { screen: 'admin', section: 'patients' }],
    ['/admin/gateways', { screen: 'admin', section: 'gateways' }],
    ['/patients/P-1001', { screen: 'patient', patientId: 'P-1001' }],
    ['/admin/unknown', { screen: 'not-found', path: '/admin/unknown' }],
    ['/patients/P-1/extra', { screen: 'not-found', path: '/patients/P-1/extra' }],
  ])('reads %s', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });

  it('round-trips a patient id through its path', () => {
    expect(parseRoute(patientPath('AA:BB:01'))).toEqual({ screen: 'patient', patientId: 'AA:BB:01' });
  });
});

describe('pathAfterLogin', () => {
  it('sends a nurse to the ward, a doctor to the inbox and an admin to administration', () => {
    expect(pathAfterLogin('/', 'nurse')).toBe('/ward');
    expect(pathAfterLogin('/login', 'doctor')).toBe('/inbox');
    expect(pathAfterLogin('/', 'admin')).toBe('/admin');
  });

  it('goes back to the page that asked for the login', () => {
    expect(pathAfterLogin('/patients/P-1001', 'nurse')).toBe('/patients/P-1001');
  });
});

describe('navItemsFor', () => {
  it('shows administration only to admins, and clinical screens only to nurses and doctors', () => {
    const paths = (role: 'nurse' | 'doctor' | 'admin') => navItemsFor(role).map((i) => i.path);
    expect(paths('nurse')).toEqual(['/ward', '/alerts']);
    expect(paths('doctor')).toEqual(['/inbox', '/ward', '/alerts']);
    expect(paths('admin')).toEqual(['/admin']);
  });
});
