/**
 * The dashboard's live feed: server-sent events at GET /api/live. Readings are pushed the
 * moment InfluxDB has accepted them, alert events the moment they happen, gateway status
 * as it arrives. Each open stream sees only the patients of its user's care teams (the set
 * is looked up again every 30 s, so a new assignment shows without logging out).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AlertEvent, GatewayStatus, Reading } from '../common/contract.ts';
import { storedValue } from '../ingest/influx-schema.ts';
import { listPatients } from '../records/patients.ts';
import type { SqlClient } from '../records/records-db.ts';
import { currentUser, requireRole } from './auth.ts';

export type LiveEvent =
  | {
      type: 'reading';
      patientId: string;
      metric: Reading['metric'];
      /** In the stored unit (glucose in mg/dL), like every other dashboard value. */
      value: number;
      unit: string;
      time: string;
      reliable: boolean;
      trendMgdlPerMin?: number;
    }
  | { type: 'alert'; patientId: string; event: AlertEvent }
  | { type: 'gateway'; patientIds: string[]; status: GatewayStatus };

type Listener = (event: LiveEvent) => void;

export class LiveFeed {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  publish(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  publishReadings(readings: readonly Reading[], isReliable: (r: Reading) => boolean): void {
    for (const r of readings) {
      if (r.metric === 'battery') continue;
      const stored = storedValue(r);
      this.publish({
        type: 'reading',
        patientId: r.patientId,
        metric: r.metric,
        value: stored.value,
        unit: stored.unit,
        time: r.time,
        reliable: isReliable(r),
        ...(r.context.trendMgdlPerMin !== undefined && { trendMgdlPerMin: r.context.trendMgdlPerMin }),
      });
    }
  }
}

const VISIBILITY_REFRESH_MS = 30_000;
const HEARTBEAT_MS = 15_000;

export const liveFeedRoutes: FastifyPluginAsyncZod<{ feed: LiveFeed; records: SqlClient }> = async (
  app,
  o,
) => {
  app.get('/api/live', { preHandler: requireRole('nurse', 'doctor') }, async (request, reply) => {
    const user = currentUser(request);
    const loadVisible = async () =>
      new Set((await listPatients(o.records, { careTeamsOf: user.id })).map((p) => p.id));
    let visible = await loadVisible();
    const refresh = setInterval(() => {
      loadVisible().then(
        (set) => {
          visible = set;
        },
        (err: Error) => request.log.warn({ err: err.message }, 'live feed: cannot refresh visible patients'),
      );
    }, VISIBILITY_REFRESH_MS);

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 2000\n\n');
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const unsubscribe = o.feed.subscribe((event) => {
      const allowed =
        event.type === 'gateway'
          ? event.patientIds.some((id) => visible.has(id))
          : visible.has(event.patientId);
      if (allowed) raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    });
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      clearInterval(refresh);
      unsubscribe();
    });
  });
};
