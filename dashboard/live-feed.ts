/**
 * The dashboard's live feed: server-sent events at GET /api/live. Readings are pushed the
 * moment InfluxDB has accepted them, alert events the moment they happen, gateway status
 * as it arrives. Each open stream sees only the patients of its user's care teams (the set
 * is looked up again every 30 s, so a new assignment shows without logging out), and ends
 * when its session does (logout, deactivation, expiry) or when the server shuts down.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AlertEvent,
  DeviceRangeBound,
  deviceRangeBound,
  GatewayStatus,
  type Reading,
} from '../common/contract.ts';
import { ComponentName, Metric, Unit } from '../common/metrics.ts';
import { storedValue } from '../ingest/readings-storage.ts';
import { listPatients } from '../records/patients.ts';
import type { SqlClient } from '../records/records-db.ts';
import { sessionUser } from '../records/sessions.ts';
import { currentUser, requireRole, SESSION_COOKIE } from './auth.ts';
import type { ViewAudit } from './view-audit.ts';

/** One event of the stream (its `data:`, JSON; its SSE `event:` is the `type`). */
export const LiveEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('reading'),
    patientId: z.string(),
    metric: Metric,
    /** In the stored unit (glucose in mg/dL), like every other dashboard value. */
    value: z.number(),
    /** Blood pressure's diastolic and mean, in the same unit. */
    components: z.partialRecord(ComponentName, z.number()).optional(),
    unit: Unit,
    /** Sample time, ISO. */
    time: z.string(),
    reliable: z.boolean(),
    /** The device's LO / HI: `value` is a bound, not a measurement. */
    bound: DeviceRangeBound.optional(),
    /** A cuff saw an irregular pulse with this blood pressure. */
    irregularPulse: z.boolean().optional(),
    trendMgdlPerMin: z.number().optional(),
  }),
  z.object({ type: z.literal('alert'), patientId: z.string(), event: AlertEvent }),
  z.object({ type: z.literal('gateway'), patientIds: z.array(z.string()), status: GatewayStatus }),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;

type Listener = (event: LiveEvent) => void;

export class LiveFeed {
  private readonly listeners = new Set<Listener>();
  /** Each open stream's end, by the session token it was opened with. */
  private readonly streams = new Map<() => void, string>();

  /** Keeps `end` for endSession and endAll; returns what forgets it again. */
  trackStream(sessionToken: string, end: () => void): () => void {
    this.streams.set(end, sessionToken);
    return () => this.streams.delete(end);
  }

  /** Ends the streams opened with this session (at logout). */
  endSession(sessionToken: string): void {
    for (const [end, token] of this.streams) if (token === sessionToken) end();
  }

  /** Ends every stream (the server is shutting down; open streams would hold it open). */
  endAll(): void {
    for (const end of this.streams.keys()) end();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  publishReadings(readings: readonly Reading[], isReliable: (r: Reading) => boolean): void {
    if (this.listeners.size === 0) return; // the usual case, on the ingest's hot path
    for (const r of readings) {
      if (r.metric === 'battery') continue;
      const stored = storedValue(r);
      const bound = deviceRangeBound(r.flags);
      this.publish({
        type: 'reading',
        patientId: r.patientId,
        metric: r.metric,
        value: stored.value,
        ...(Object.keys(stored.components).length && { components: stored.components }),
        unit: stored.unit,
        time: r.time,
        reliable: isReliable(r),
        ...(bound && { bound }),
        ...(r.flags.includes('irregular_pulse') && { irregularPulse: true }),
        ...(r.context.trendMgdlPerMin !== undefined && { trendMgdlPerMin: r.context.trendMgdlPerMin }),
      });
    }
  }
}

/** How often an open stream checks its session is still valid and reloads its patients. */
const SESSION_CHECK_MS = 30_000;
const HEARTBEAT_MS = 15_000;
/** A client this far behind (bytes the socket has not taken) is cut off; it reconnects and reloads. */
const MAX_UNSENT_BYTES = 1024 * 1024;

/**
 * What of `event` a user who may see `visible` patients gets: readings and alerts of their
 * patients only, and of a gateway that also serves other teams' patients only the devices
 * and patient ids of their own.
 */
export function eventFor(event: LiveEvent, visible: ReadonlySet<string>): LiveEvent | undefined {
  if (event.type !== 'gateway') return visible.has(event.patientId) ? event : undefined;
  const patientIds = event.patientIds.filter((id) => visible.has(id));
  if (patientIds.length === 0) return undefined;
  const devices = event.status.devices.filter((d) => visible.has(d.patientId));
  return { type: 'gateway', patientIds, status: { ...event.status, devices } };
}

export const liveFeedRoutes: FastifyPluginAsyncZod<{
  feed: LiveFeed;
  records: SqlClient;
  now: () => Date;
  views: ViewAudit;
}> = async (app, o) => {
  app.addHook('preClose', async () => o.feed.endAll());

  // The answer is a stream of events; the schema says what each one is (it is never serialised).
  app.get(
    '/api/live',
    { preHandler: requireRole('nurse', 'doctor'), schema: { response: { 200: LiveEvent } } },
    async (request, reply) => {
      const user = currentUser(request);
      const token = request.cookies[SESSION_COOKIE] ?? '';
      const loadVisible = async () =>
        new Set((await listPatients(o.records, { careTeamsOf: user.id })).map((p) => p.id));
      let visible = await loadVisible();
      await o.views.list(user.id, 'live.open', [...visible]);

      reply.hijack();
      const raw = reply.raw;
      // Gone while the patients were looked up: nothing to stream to, nothing to clean up later.
      if (raw.destroyed || !raw.socket || raw.socket.destroyed) return;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 2000\n\n');
      const log = request.log.child({ userId: user.id });
      const send = (text: string) => {
        if (raw.writableLength > MAX_UNSENT_BYTES) return end('the client is not reading');
        raw.write(text);
      };
      const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS);
      // Logged out, deactivated or expired: the stream ends; still allowed: a new assignment
      // to a care team shows without logging out.
      const check = setInterval(() => {
        sessionUser(o.records, token, o.now())
          .then(async (still) => {
            if (!still) return end('the session ended');
            visible = await loadVisible();
          })
          .catch((err: Error) => log.warn({ err: err.message }, 'live feed: cannot check the session'));
      }, SESSION_CHECK_MS);
      const unsubscribe = o.feed.subscribe((event) => {
        const allowed = eventFor(event, visible);
        if (allowed) send(`event: ${allowed.type}\ndata: ${JSON.stringify(allowed)}\n\n`);
      });
      const untrack = o.feed.trackStream(token, () => end('the session ended or the server is stopping'));
      const cleanUp = () => {
        clearInterval(heartbeat);
        clearInterval(check);
        unsubscribe();
        untrack();
      };
      function end(reason: string): void {
        log.info({ reason }, 'live feed closed by the server');
        cleanUp();
        raw.end();
      }
      request.raw.on('close', cleanUp);
    },
  );
};
