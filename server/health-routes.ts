/**
 * Health and Prometheus metrics: the only routes that need no login. Health answers
 * 200 when the broker is reachable, InfluxDB both answers and takes our writes, and the
 * alerts engine's steps are stored; 503 otherwise, and says which, with the reason writes fail (a refused token, a missing
 * database, an unreachable server): InfluxDB's /ping needs no credentials, so only the
 * writes show a configuration that lets nothing be stored.
 */
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { ZodFastify } from '../common/page-security.ts';

export interface HealthChecks {
  broker: () => boolean;
  influx: () => Promise<boolean>;
  /** Why InfluxDB writes are failing and being retried; undefined while they succeed. */
  influxWriteProblem: () => string | undefined;
  /** Why alert steps are not being stored (records database out, or refusing a patient's step). */
  alertsProblem: () => string | undefined;
}

/** The health answer, 200 or 503 alike: each part's state, and what is wrong. */
export const HealthAnswer = z.object({
  status: z.enum(['ok', 'degraded']),
  broker: z.enum(['reachable', 'unreachable']),
  influx: z.enum(['reachable', 'reachable, writes failing', 'unreachable']),
  /** Why InfluxDB writes fail (a refused token, a missing database). */
  influxWrites: z.string().optional(),
  /** Why alert steps are not stored. */
  alerts: z.string().optional(),
});

export function registerHealthRoutes(app: ZodFastify, checks: HealthChecks, registry: Registry): void {
  const schema = { response: { 200: HealthAnswer, 503: HealthAnswer } };
  app.get('/health', { schema }, async (_request, reply) => {
    const [influx, broker] = [await checks.influx(), checks.broker()];
    const problem = checks.influxWriteProblem();
    const alerts = checks.alertsProblem();
    const ok = influx && broker && problem === undefined && alerts === undefined;
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      broker: broker ? 'reachable' : 'unreachable',
      influx: influx ? (problem === undefined ? 'reachable' : 'reachable, writes failing') : 'unreachable',
      ...(problem !== undefined && { influxWrites: problem }),
      ...(alerts !== undefined && { alerts }),
    });
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
