/**
 * The dashboard as one fastify scope: security headers, zod validation of every body and
 * query, errors answered with a clear message and the right status, logins and CSRF, then
 * one plugin per concern (administration, clinical views, alerts, live feed, the UI).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { describeIssues } from '../common/describe-issues.ts';
import type { ZodFastify } from '../common/page-security.ts';
import { registerPageSecurity } from '../common/page-security.ts';
import { StatusError } from '../common/status-error.ts';
import type { RecordsDb } from '../records/records-db.ts';
import { type AdminRoutesOptions, adminRoutes } from './admin-routes.ts';
import { alertRoutes } from './alert-routes.ts';
import { registerAuth } from './auth.ts';
import { type LiveFeed, liveFeedRoutes } from './live-feed.ts';
import { type PatientRoutesOptions, patientRoutes } from './patient-routes.ts';
import { uiRoutes } from './ui-routes.ts';
import { ViewAudit } from './view-audit.ts';

export interface DashboardOptions
  extends Omit<PatientRoutesOptions, 'records' | 'views'>,
    Omit<AdminRoutesOptions, 'records'> {
  records: RecordsDb;
  feed: LiveFeed;
  sessionTtlMs: number;
  loginAttempts: number;
}

/**
 * The one error handler: every answer is `{ statusCode, error, code, message }`, the message
 * naming the field or rule. Validation, then the domain's StatusErrors (each says its status
 * and code), then fastify's own (a body too large); anything else is ours, logged as a 500.
 */
function sendError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const send = (statusCode: number, code: string, message: string) =>
    reply.code(statusCode).send({ statusCode, error: statusText(statusCode), code, message });
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      path: v.instancePath.split('/').filter(Boolean),
      message: v.message ?? 'is not valid',
    }));
    return send(400, INVALID_REQUEST, describeIssues(issues, error.validationContext ?? 'request'));
  }
  if (error instanceof ZodError) return send(400, INVALID_REQUEST, describeIssues(error, 'body'));
  if (error instanceof StatusError && error.statusCode !== 500) {
    if (error.statusCode >= 500)
      request.log.warn({ err: error.message, code: error.code }, 'a part does not answer');
    return send(error.statusCode, error.code, error.answer());
  }
  const statusCode = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (statusCode >= 500) {
    request.log.error({ err: error }, 'request failed');
    return send(500, 'RPM_INTERNAL', 'the server could not complete this request; it has been logged');
  }
  return send(
    statusCode,
    'code' in error && typeof error.code === 'string' ? error.code : 'RPM_REFUSED',
    error.message,
  );
}

const INVALID_REQUEST = 'RPM_INVALID_REQUEST';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
const statusText = (code: number) => STATUS_TEXT[code] ?? 'Error';

export async function registerDashboard(app: ZodFastify, o: DashboardOptions): Promise<void> {
  await registerPageSecurity(app);
  app.setErrorHandler(sendError);
  await registerAuth(app, {
    records: o.records,
    sessionTtlMs: o.sessionTtlMs,
    loginAttempts: o.loginAttempts,
    now: o.now,
    onLogout: (token) => o.feed.endSession(token),
  });
  await app.register(adminRoutes, { records: o.records, onGatewayChanged: o.onGatewayChanged });
  const views = new ViewAudit(o.records);
  await app.register(patientRoutes, { ...o, views });
  await app.register(alertRoutes, { records: o.records, alerts: o.alerts, now: o.now, views });
  await app.register(liveFeedRoutes, { feed: o.feed, records: o.records, now: o.now, views });
  await app.register(uiRoutes);
}
