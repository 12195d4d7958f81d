/**
 * A typecheck fixture (checked by `npm run typecheck`, the first step of `npm test`; never
 * run): the alert the server sends and the alert the browser code reads are one type, the
 * route's response schema (AlertView in dashboard/api-contract.ts). Each `@ts-expect-error`
 * marks a mistake that must stay a compile error: if one stopped being an error, tsc would
 * fail on the unused directive.
 */
import type { AlertView } from '../api-contract.ts';
import type { Alert } from './api-types.ts';

declare const served: AlertView;

/** The server (alert-routes.ts builds an `AlertView`) adds a field the contract does not name: refused. */
// @ts-expect-error 'priority' is not in AlertView
export const withUndeclaredField: AlertView = { ...served, priority: 'high' };

/** What the server sends is exactly what the screens read, both ways. */
export const seen: Alert = served;
export const sent: AlertView = seen;

/** A screen reads a field the server does not send: refused. */
// @ts-expect-error 'priority' is not in Alert
export const readUndeclared = seen.priority;
