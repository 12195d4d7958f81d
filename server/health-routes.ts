/**
 * Health and Prometheus metrics: the only routes that need no login. Health answers
 * 200 when both the broker and InfluxDB are reachable, 503 otherwise, and says which.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface HealthChecks {
  broker: () => boolean;
  influx: () => Promise<boolean>;
  /** True while InfluxDB writes are failing and being retried. */
  influxRetrying: () => boolean;
}

export function registerHealthRoutes(app: FastifyInstance, checks: HealthChecks, registry: Registry): void {
  app.get('/health', async (_request, reply) => {
    const [influx, broker] = [await checks.influx(), checks.broker()];
    const writing = !checks.influxRetrying();
    const ok = influx && broker && writing;
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      broker: broker ? 'reachable' : 'unreachable',
      influx: influx ? (writing ? 'reachable' : 'reachable, writes failing') : 'unreachable',
    });
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
