/**
 * The compact readings batch of the wire contract: the same readings as a JSON batch,
 * grouped by patient, device, metric and unit into series, and encoded in CBOR (RFC 8949,
 * with `cbor-x`, a maintained encoder that decodes a batch in microseconds). Published on
 * `rpm/v1/gw/{gatewayId}/series`; the JSON topic `.../readings` keeps working. A household
 * streaming heart rate and SpO2 at 1 Hz sends a few bytes a reading instead of 285
 * (README, "Compact batches").
 *
 * A batch is a map: `t` when it was sent (ms since the Unix epoch, UTC) and `s` the series;
 * the gateway is the topic's (the one that logged in), and a later format gets a topic of
 * its own. A series:
 *
 * - `p` patient, `d` device, `m` metric: as in a JSON reading; `u` the unit, left out when
 *   it is the metric's stored unit (the catalogue's: /min, %, mg/dL, mm[Hg], kg, Cel);
 * - `t` the first sample's time, in ms from the batch's `t` (negative: before it was sent),
 *   then either `i` (a regular interval: sample n is at `t + n·i`) or `dt` (each sample's
 *   offset from the first, ms); one sample needs neither;
 * - `v` the values, one per sample;
 * - `x` components, per name an array with one entry per sample (null where absent);
 * - `f` flags only where set: a map from a sample's index to its flags;
 * - `c` context, per key either one value for every sample, or an array with one entry per
 *   sample (null where absent); a list-valued key (RR intervals) is always per sample;
 * - `k` the samples' id keys: a reading's id is `{d}:{m}:{k}`, and without `k` (or where it
 *   is null) `{d}:{m}:{sample time ms}`, the id a JSON batch would carry. So a series sent
 *   again is stored once, and a compact batch and its JSON equivalent store the same points.
 *
 * Decoding yields one entry per reading for the same checks a JSON batch gets
 * (contract.ts validateBatch); a series that does not hold together (lengths that differ,
 * an interval and offsets both) is one refused entry naming the series, and its neighbours
 * are stored.
 */
import { Decoder, Encoder } from 'cbor-x';
import { z } from 'zod';
import { type DecodedBatch, MAX_READINGS_PER_BATCH, type ReadingInput, tooDeep } from './contract.ts';
import { describeIssues } from './describe-issues.ts';
import { METRICS, Metric } from './metrics.ts';

/** Plain RFC 8949 (no cbor-x extensions, so any CBOR library reads and writes it). */
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, variableMapSize: true });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

const epochMs = z.number().int().min(0).max(8.64e15);

const SeriesBatchEnvelope = z.strictObject({
  t: epochMs,
  s: z.array(z.unknown()).min(1).max(MAX_READINGS_PER_BATCH),
});

const perSample = z.array(z.unknown());

/** A series' shape; its values, units and context are checked per reading, as in JSON. */
const Series = z
  .strictObject({
    p: z.unknown(),
    d: z.string(),
    m: z.string(),
    u: z.unknown().optional(),
    t: z.number().int().min(-8.64e15).max(8.64e15),
    i: z.number().int().positive().max(86_400_000).optional(),
    dt: z.array(z.number().int().min(-8.64e15).max(8.64e15)).optional(),
    v: z.array(z.unknown()).min(1).max(MAX_READINGS_PER_BATCH),
    x: z.record(z.string(), perSample).optional(),
    f: z.record(z.string().regex(/^\d{1,3}$/, 'a sample index'), z.unknown()).optional(),
    c: z.record(z.string(), z.unknown()).optional(),
    k: z.array(z.string().min(1).max(64).nullable()).optional(),
  })
  .superRefine((s, ctx) => {
    const n = s.v.length;
    const sameLength = (what: string, length: number | undefined) => {
      if (length !== undefined && length !== n)
        ctx.addIssue({ code: 'custom', path: [what], message: `has ${length} entries for ${n} values` });
    };
    if (s.i !== undefined && s.dt !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['i'],
        message: 'give an interval (i) or offsets (dt), not both',
      });
    if (n > 1 && s.i === undefined && s.dt === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['t'],
        message: `${n} values need an interval (i) or offsets (dt)`,
      });
    sameLength('dt', s.dt?.length);
    sameLength('k', s.k?.length);
    for (const [name, column] of Object.entries(s.x ?? {})) sameLength(`x.${name}`, column.length);
    for (const [key, column] of Object.entries(s.c ?? {}))
      if (Array.isArray(column)) sameLength(`c.${key}`, column.length);
    for (const index of Object.keys(s.f ?? {}))
      if (Number(index) >= n)
        ctx.addIssue({ code: 'custom', path: ['f', index], message: `no sample ${index} of ${n}` });
  });
type Series = z.infer<typeof Series>;

/** The readings of one series, in the form a JSON batch carries them. */
function readingsOf(s: Series, sentAtMs: number): ReadingInput[] {
  const metric = Metric.safeParse(s.m);
  const unit = s.u ?? (metric.success ? METRICS[metric.data].storedUnit : undefined);
  return s.v.map((value, n) => {
    const timeMs = sentAtMs + s.t + (s.i !== undefined ? n * s.i : (s.dt?.[n] ?? 0));
    const components = Object.fromEntries(
      Object.entries(s.x ?? {}).flatMap(([name, column]) =>
        column[n] === null || column[n] === undefined ? [] : [[name, column[n]]],
      ),
    );
    const context = Object.fromEntries(
      Object.entries(s.c ?? {}).flatMap(([key, column]) => {
        const entry = Array.isArray(column) ? column[n] : column;
        return entry === null || entry === undefined ? [] : [[key, entry]];
      }),
    );
    const flags = s.f?.[String(n)];
    // Whatever the series holds goes to the reading schema, which names what is wrong.
    return {
      id: `${s.d}:${s.m}:${s.k?.[n] ?? timeMs}`,
      patientId: s.p,
      deviceId: s.d,
      metric: s.m,
      value,
      ...(Object.keys(components).length > 0 && { components }),
      unit,
      time: new Date(timeMs).toISOString(),
      ...(flags !== undefined && { flags }),
      ...(Object.keys(context).length > 0 && { context }),
    } as ReadingInput;
  });
}

/** A compact batch on `rpm/v1/gw/{gatewayId}/series`, decoded into one entry per reading. */
export function decodeSeriesBatch(payload: Buffer, gatewayId: string): DecodedBatch {
  let decoded: unknown;
  try {
    decoded = decoder.decode(payload);
  } catch (err) {
    // Truncated, malformed, or nested past the stack (a RangeError, caught like the rest).
    return { ok: false, reason: 'bad_cbor', detail: `payload is not CBOR: ${(err as Error).message}` };
  }
  const deep = tooDeep(decoded);
  if (deep) return { ok: false, reason: 'bad_envelope', detail: deep };
  const envelope = SeriesBatchEnvelope.safeParse(decoded);
  if (!envelope.success) return { ok: false, reason: 'bad_envelope', detail: describeIssues(envelope.error) };
  const entries: { raw: unknown; refused?: string }[] = [];
  envelope.data.s.forEach((raw, j) => {
    const series = Series.safeParse(raw);
    if (!series.success) entries.push({ raw, refused: `series ${j}: ${describeIssues(series.error)}` });
    else entries.push(...readingsOf(series.data, envelope.data.t).map((reading) => ({ raw: reading })));
  });
  if (entries.length > MAX_READINGS_PER_BATCH) {
    return {
      ok: false,
      reason: 'bad_envelope',
      detail: `the series hold ${entries.length} readings; a batch holds at most ${MAX_READINGS_PER_BATCH}`,
    };
  }
  return { ok: true, gatewayId, sentAt: new Date(envelope.data.t).toISOString(), entries };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** One series of readings that share patient, device, metric and unit; undefined if an id does not fit. */
function seriesOf(readings: readonly ReadingInput[], sentAtMs: number): Record<string, unknown> | undefined {
  const sorted = [...readings].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const [first] = sorted;
  if (!first) return undefined;
  const { patientId: p, deviceId: d, metric: m, unit: u } = first;
  const times = sorted.map((r) => Date.parse(r.time));
  const t = times[0] as number;
  const series: Record<string, unknown> = {
    p,
    d,
    m,
    ...(u !== METRICS[m].storedUnit && { u }),
    t: t - sentAtMs,
  };
  const interval = (times[1] ?? t) - t;
  if (times.length > 1) {
    if (interval > 0 && times.every((ms, n) => ms === t + n * interval)) series.i = interval;
    else series.dt = times.map((ms) => ms - t);
  }
  series.v = sorted.map((r) => r.value);
  const prefix = `${d}:${m}:`;
  const keys: (string | null)[] = [];
  for (const [n, r] of sorted.entries()) {
    if (!r.id.startsWith(prefix)) return undefined;
    const key = r.id.slice(prefix.length);
    keys.push(key === String(times[n]) ? null : key);
  }
  if (keys.some((k) => k !== null)) series.k = keys;
  const componentNames = [...new Set(sorted.flatMap((r) => Object.keys(r.components ?? {})))];
  if (componentNames.length)
    series.x = Object.fromEntries(
      componentNames.map((name) => [
        name,
        sorted.map((r) => (r.components as Record<string, number> | undefined)?.[name] ?? null),
      ]),
    );
  const flags = Object.fromEntries(sorted.flatMap((r, n) => (r.flags?.length ? [[String(n), r.flags]] : [])));
  if (Object.keys(flags).length) series.f = flags;
  const contextKeys = [...new Set(sorted.flatMap((r) => Object.keys(r.context ?? {})))];
  if (contextKeys.length)
    series.c = Object.fromEntries(
      contextKeys.map((key) => {
        const column = sorted.map((r) => (r.context as Record<string, unknown> | undefined)?.[key] ?? null);
        const one = column[0];
        const forAll = !Array.isArray(one) && one !== null && column.every((c) => sameJson(c, one));
        return [key, forAll ? one : column];
      }),
    );
  return series;
}

/**
 * The compact batch of these readings, or undefined when one of them cannot be carried
 * compactly (an id not of the form `{deviceId}:{metric}:{key}`): send those as JSON.
 */
export function encodeSeriesBatch(sentAt: Date, readings: readonly ReadingInput[]): Buffer | undefined {
  const groups = new Map<string, ReadingInput[]>();
  for (const r of readings) {
    const key = JSON.stringify([r.patientId, r.deviceId, r.metric, r.unit]);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const series: Record<string, unknown>[] = [];
  for (const group of groups.values()) {
    const one = seriesOf(group, sentAt.getTime());
    if (!one) return undefined;
    series.push(one);
  }
  return encoder.encode({ t: sentAt.getTime(), s: series });
}
