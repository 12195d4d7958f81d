/**
 * Health and Prometheus metrics: the only routes that need no login. Health answers
 * 200 when the broker is reachable, InfluxDB both answers and takes our writes, and the
 * alerts engine's steps are stored; 503 otherwise, and says which, with the reason writes fail (a refused token, a missing
 * database, an unreachable server): InfluxDB's /ping needs no credentials, so only the
 * writes show a configuration that lets nothing be stored.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface HealthChecks {
  broker: () => boolean;
  influx: () => Promise<boolean>;
  /** Why InfluxDB writes are failing and being retried; undefined while they succeed. */
  influxWriteProblem: () => string | undefined;
  /** Why alert steps are not being stored (records database out, or refusing a patient's step). */
  alertsProblem: () => string | undefined;
}

export function registerHealthRoutes(app: FastifyInstance, checks: HealthChecks, registry: Registry): void {
  app.get('/health', async (_request, reply) => {
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
