/**
 * Administration (role admin only): register patients and gateways, issue a gateway's
 * credentials (shown once), assign patients to gateways and care teams, manage users and
 * care teams, read the audit log. Every change is audited by the records layer.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GatewayId, PatientId } from '../common/contract.ts';
import { text } from '../common/text.ts';
import { listAudit } from '../records/audit-log.ts';
import {
  assignPatientToCareTeam,
  CareTeamMembers,
  createCareTeam,
  listCareTeams,
  NewCareTeam,
  setCareTeamMembers,
} from '../records/care-teams.ts';
import {
  assignPatientToGateway,
  createGateway,
  issueGatewayCredentials,
  listGateways,
  NewGateway,
  unassignPatientFromGateway,
} from '../records/gateways.ts';
import { createPatient, listPatients, NewPatient } from '../records/patients.ts';
import type { RecordsDb } from '../records/records-db.ts';
import { CareTeamId, UserId } from '../records/staff.ts';
import {
  createUser,
  listUsers,
  NewUser,
  Password,
  setUserActive,
  setUserPassword,
} from '../records/users.ts';
import {
  AuditAnswer,
  CareTeamsAnswer,
  Created,
  Done,
  GatewayCredentials,
  GatewaysAnswer,
  PatientsAnswer,
  UsersAnswer,
} from './api-contract.ts';
import { currentUser, requireRole } from './auth.ts';

export interface AdminRoutesOptions {
  records: RecordsDb;
  /** Called after a gateway's credentials or patients change (cache, external broker files). */
  /** A gateway's patients or credentials changed (`credentials`: its live session must end). */
  onGatewayChanged: (gatewayId: string, change: 'credentials' | 'patients') => Promise<void>;
}

export const adminRoutes: FastifyPluginAsyncZod<AdminRoutesOptions> = async (app, o) => {
  app.addHook('preHandler', requireRole('admin'));
  const db = o.records;
  const actor = (request: Parameters<typeof currentUser>[0]) => currentUser(request).id;

  app.get('/api/admin/patients', { schema: { response: { 200: PatientsAnswer } } }, async () => ({
    patients: await listPatients(db),
  }));
  app.post(
    '/api/admin/patients',
    { schema: { body: NewPatient, response: { 201: Created } } },
    async (request, reply) => {
      await createPatient(db, request.body, actor(request));
      return reply.code(201).send({ id: request.body.id });
    },
  );

  app.get('/api/admin/gateways', { schema: { response: { 200: GatewaysAnswer } } }, async () => ({
    gateways: await listGateways(db),
  }));
  app.post(
    '/api/admin/gateways',
    { schema: { body: NewGateway, response: { 201: Created } } },
    async (request, reply) => {
      await createGateway(db, request.body, actor(request));
      return reply.code(201).send({ id: request.body.id });
    },
  );
  app.post(
    '/api/admin/gateways/:gatewayId/credentials',
    { schema: { params: z.object({ gatewayId: GatewayId }), response: { 200: GatewayCredentials } } },
    async (request) => {
      const { gatewayId } = request.params;
      const secret = await issueGatewayCredentials(db, gatewayId, actor(request));
      await o.onGatewayChanged(gatewayId, 'credentials');
      // The only time the secret exists in clear: the installer copies it into the gateway.
      return { gatewayId, mqttUsername: gatewayId, mqttClientId: gatewayId, secret };
    },
  );
  const gatewayPatient = z.object({ gatewayId: GatewayId, patientId: PatientId });
  app.put(
    '/api/admin/gateways/:gatewayId/patients/:patientId',
    { schema: { params: gatewayPatient, response: { 200: Done } } },
    async (request) => {
      await assignPatientToGateway(db, request.params.gatewayId, request.params.patientId, actor(request));
      await o.onGatewayChanged(request.params.gatewayId, 'patients');
      return { ok: true as const };
    },
  );
  app.delete(
    '/api/admin/gateways/:gatewayId/patients/:patientId',
    { schema: { params: gatewayPatient, response: { 200: Done } } },
    async (request) => {
      await unassignPatientFromGateway(
        db,
        request.params.gatewayId,
        request.params.patientId,
        actor(request),
      );
      await o.onGatewayChanged(request.params.gatewayId, 'patients');
      return { ok: true as const };
    },
  );

  app.get('/api/admin/users', { schema: { response: { 200: UsersAnswer } } }, async () => ({
    users: await listUsers(db),
  }));
  app.post(
    '/api/admin/users',
    { schema: { body: NewUser, response: { 201: Created } } },
    async (request, reply) => {
      await createUser(db, request.body, actor(request));
      return reply.code(201).send({ id: request.body.id });
    },
  );
  const userParams = z.object({ userId: UserId });
  app.post(
    '/api/admin/users/:userId/active',
    {
      schema: { params: userParams, body: z.strictObject({ active: z.boolean() }), response: { 200: Done } },
    },
    async (request) => {
      await setUserActive(db, request.params.userId, request.body.active, actor(request));
      return { ok: true as const };
    },
  );
  app.post(
    '/api/admin/users/:userId/password',
    { schema: { params: userParams, body: z.strictObject({ password: Password }), response: { 200: Done } } },
    async (request) => {
      await setUserPassword(db, request.params.userId, request.body.password, actor(request));
      return { ok: true as const };
    },
  );

  app.get('/api/admin/care-teams', { schema: { response: { 200: CareTeamsAnswer } } }, async () => ({
    careTeams: await listCareTeams(db),
  }));
  app.post(
    '/api/admin/care-teams',
    { schema: { body: NewCareTeam, response: { 201: Created } } },
    async (request, reply) => {
      await createCareTeam(db, request.body, actor(request));
      return reply.code(201).send({ id: request.body.id });
    },
  );
  const teamParams = z.object({ teamId: CareTeamId });
  app.put(
    '/api/admin/care-teams/:teamId/members',
    {
      schema: {
        params: teamParams,
        body: z.strictObject({ members: CareTeamMembers }),
        response: { 200: Done },
      },
    },
    async (request) => {
      await setCareTeamMembers(db, request.params.teamId, request.body.members, actor(request));
      return { ok: true as const };
    },
  );
  app.put(
    '/api/admin/care-teams/:teamId/patients/:patientId',
    { schema: { params: z.object({ teamId: CareTeamId, patientId: PatientId }), response: { 200: Done } } },
    async (request) => {
      await assignPatientToCareTeam(db, request.params.teamId, request.params.patientId, actor(request));
      return { ok: true as const };
    },
  );

  app.get(
    '/api/admin/audit',
    {
      schema: {
        querystring: z.object({
          targetType: text().max(32).optional(),
          targetId: text().max(128).optional(),
          actor: text().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: AuditAnswer },
      },
    },
    async (request) => ({ entries: await listAudit(db, request.query) }),
  );
};
