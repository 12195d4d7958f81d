/**
 * The shapes the dashboard API answers with, as the browser receives them: each is the
 * route's response schema (dashboard/api-contract.ts), through `Json<T>` (what JSON makes of
 * it: dates travel as ISO strings). Type-only imports: nothing of the server is bundled
 * into the page, and a field the server stops sending is a compile error where it is used.
 */
import type { z } from 'zod';
import type { Severity } from '../../common/contract.ts';
import type * as Api from '../api-contract.ts';

export type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/** What route `S`'s schema says the browser gets. */
type Answer<S extends z.ZodType> = Json<z.output<S>>;

export type { Severity };
export type SessionResponse = Answer<typeof Api.SessionAnswer>;
export type SessionUser = SessionResponse['user'];
export type Role = SessionUser['role'];

export type WardResponse = Answer<typeof Api.WardAnswer>;
export type WardTile = WardResponse['tiles'][number];
export type ActiveAlertSummary = WardTile['alerts'][number];

export type PatientViewResponse = Answer<typeof Api.PatientViewAnswer>;
export type DeviceState = PatientViewResponse['devices'][number];
export type GlucoseSummary = NonNullable<PatientViewResponse['glucoseSummary']>;
export type BloodPressureAverage = PatientViewResponse['bloodPressureAverages'][number];

export type ChartResponse = Answer<typeof Api.ChartAnswer>;
export type ChartRange = ChartResponse['range'];
export type ChartPoint = ChartResponse['points'][number];
export type ThresholdBand = ChartResponse['thresholds'][number];
export type ChangeBand = ChartResponse['bands'][number];

export type LiveEvent = Answer<typeof import('../live-feed.ts').LiveEvent>;

export type Alert = Answer<typeof Api.AlertView>;
export type AlertHistoryEntry = Alert['history'][number];

export type CarePlanResponse = Answer<typeof Api.CarePlanAnswer>;
export type CarePlanRule = CarePlanResponse['rules'][number];
export type RuleOverrides = CarePlanResponse['overrides'];
export type CarePlanTemplatesResponse = Answer<typeof Api.CarePlanTemplatesAnswer>;

export type AdminPatient = Answer<typeof Api.PatientsAnswer>['patients'][number];
export type AdminGateway = Answer<typeof Api.GatewaysAnswer>['gateways'][number];
export type AdminUser = Answer<typeof Api.UsersAnswer>['users'][number];
export type AdminCareTeam = Answer<typeof Api.CareTeamsAnswer>['careTeams'][number];
export type AdminAuditEntry = Answer<typeof Api.AuditAnswer>['entries'][number];
export type GatewayCredentials = Answer<typeof Api.GatewayCredentials>;
