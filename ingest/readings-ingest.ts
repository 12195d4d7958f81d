/**
 * What happens to one message a gateway published: validate it against the contract,
 * write the valid readings, dead-letter the rest with their reason, and only then let
 * the caller acknowledge it. Every promise returned here settles only once InfluxDB holds
 * what it describes, readings and dead letters alike; if InfluxDB refuses a dead letter,
 * the promise rejects with DeadLetterNotStored and the message stays unacknowledged, so
 * its sender keeps it. Broker-agnostic: the embedded broker calls this from its
 * publish hook, the external-broker subscriber from its message handler.
 */
import {
  decodeJsonBatch,
  GatewayStatus,
  type Reading,
  type RejectedReading,
  type RejectionMessage,
  validateBatch,
} from '../common/contract.ts';
import { describeIssues } from '../common/describe-issues.ts';
import type { Logger } from '../common/log.ts';
import { decodeSeriesBatch } from '../common/series-batch.ts';
import type { GatewayDirectory } from './gateway-directory.ts';
import { type DeadLetter, deadLetterToLine, gatewayStatusToLines } from './influx-schema.ts';
import type { IngestMetrics } from './ingest-metrics.ts';
import { asStored, readingToLine } from './readings-storage.ts';
import type { WriteBatcher } from './write-batcher.ts';

export interface IngestOutcome {
  stored: Reading[];
  /** What to tell the gateway on its rejections topic; undefined when all was stored. */
  rejection?: RejectionMessage;
}

export interface ReadingsIngestOptions {
  batcher: WriteBatcher;
  /** Which patients each gateway may send readings for. */
  directory: Pick<GatewayDirectory, 'checkPatients'>;
  metrics: IngestMetrics;
  log: Logger;
  now?: () => Date;
  /** Readings sampled longer ago than this are refused (`past_timestamp`); default DEFAULT_MAX_READING_AGE_DAYS. */
  maxReadingAgeDays?: number;
  /**
   * Dead letters stored per gateway and minute (default 120); the rest are counted
   * (rpm_dead_letters_dropped_total) and logged once a minute, not stored: a gateway sending
   * garbage in a loop cannot fill the clinic's disk. Its rejections still reach it.
   */
  maxDeadLettersPerMinute?: number;
  /**
   * Called with readings once they are stored (alerts engine, live dashboard feed), for each
   * gateway in the order its messages arrived: a gateway with several messages in flight has
   * them stored at once, and a later one finishing first must not hand its readings on first,
   * or the rules would see the home's readings out of order.
   */
  onStored?: (readings: Reading[], gatewayId: string) => void;
  onStatus?: (status: GatewayStatus) => void;
}

/** InfluxDB refused the record of a refused message: acknowledging it would lose it without trace. */
export class DeadLetterNotStored extends Error {
  constructor(
    readonly gatewayId: string,
    readonly refs: string[],
    readonly detail: string,
  ) {
    super(`dead letters of gateway '${gatewayId}' (${refs.join(', ')}) not stored: ${detail}`);
    this.name = 'DeadLetterNotStored';
  }
}

/** A dead letter for a whole message, kept as it came. */
/** How readings arrive: a JSON batch (`.../readings`) or a compact CBOR batch of series (`.../series`). */
export type ReadingsEncoding = 'readings' | 'series';

function wholeMessage(
  gatewayId: string,
  ref: string,
  payload: Buffer,
  reason: string,
  detail: string,
  encoding: ReadingsEncoding = 'readings',
): Omit<DeadLetter, 'at'> {
  // A binary batch is kept as base64, so the dead letter shows exactly what came.
  const kept = encoding === 'series' ? `base64:${payload.toString('base64')}` : payload.toString('utf8');
  return { gatewayId, reason, detail, ref, payload: kept };
}

const DEFAULT_DEAD_LETTERS_PER_MINUTE = 120;

export class ReadingsIngest {
  private lastDeadLetterMs = 0;
  /** Dead letters stored and dropped this minute, per gateway (registered gateways only reach here). */
  private readonly deadLetterBudgets = new Map<string, { minute: number; stored: number; dropped: number }>();
  private readonly now: () => Date;
  /** Per gateway: settles once its latest message so far has handed its readings on (or failed). */
  private readonly handoffs = new Map<string, Promise<void>>();

  constructor(private readonly o: ReadingsIngestOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** Dead letters get distinct timestamps so two in the same millisecond do not overwrite each other. */
  private deadLetterTime(): number {
    this.lastDeadLetterMs = Math.max(this.now().getTime(), this.lastDeadLetterMs + 1);
    return this.lastDeadLetterMs;
  }

  /** The dead letters within their gateway's budget for this minute; the rest are counted and dropped. */
  private withinBudget(letters: Omit<DeadLetter, 'at'>[]): Omit<DeadLetter, 'at'>[] {
    const limit = this.o.maxDeadLettersPerMinute ?? DEFAULT_DEAD_LETTERS_PER_MINUTE;
    const minute = Math.floor(this.now().getTime() / 60_000);
    return letters.filter((letter) => {
      let budget = this.deadLetterBudgets.get(letter.gatewayId);
      if (budget?.minute !== minute) {
        budget = { minute, stored: 0, dropped: 0 };
        this.deadLetterBudgets.set(letter.gatewayId, budget);
      }
      if (budget.stored < limit) {
        budget.stored++;
        return true;
      }
      budget.dropped++;
      this.o.metrics.deadLettersDropped.inc({ reason: letter.reason });
      if (budget.dropped === 1) {
        this.o.log.warn(
          { gatewayId: letter.gatewayId, limit },
          'dead letters beyond the limit this minute: counted, not stored',
        );
      }
      return false;
    });
  }

  /** Stores dead letters (within their gateway's budget); resolves only once InfluxDB holds every one stored. */
  private async deadLetter(all: Omit<DeadLetter, 'at'>[], signal?: AbortSignal): Promise<void> {
    const letters = this.withinBudget(all);
    if (letters.length === 0) return;
    const outcomes = await this.o.batcher.submit(
      letters.map((d) => deadLetterToLine({ ...d, at: this.deadLetterTime() })),
      signal,
    );
    const failure = outcomes.find((o) => !o.stored);
    const refused = letters.filter((_, i) => outcomes[i]?.stored === false);
    const [first] = refused;
    if (failure && !failure.stored && first) {
      throw new DeadLetterNotStored(
        first.gatewayId,
        refused.map((d) => d.ref ?? d.reason),
        failure.detail,
      );
    }
    for (const d of letters) {
      this.o.metrics.deadLettered.inc({ reason: d.reason });
      this.o.log.warn(
        { gatewayId: d.gatewayId, ref: d.ref, reason: d.reason, detail: d.detail },
        'dead-lettered',
      );
    }
  }

  /** `signal`: the sender went away; stop waiting for room in the write backlog. */
  async handleReadings(
    gatewayId: string,
    payload: Buffer,
    messageRef: string,
    signal?: AbortSignal,
    encoding: ReadingsEncoding = 'readings',
  ): Promise<IngestOutcome> {
    const earlier = this.handoffs.get(gatewayId) ?? Promise.resolve();
    let handedOn = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      handedOn = resolve;
    });
    const mine = Promise.all([earlier, done]).then(() => undefined);
    this.handoffs.set(gatewayId, mine);
    try {
      return await this.storeReadings(gatewayId, payload, encoding, messageRef, earlier, signal);
    } finally {
      handedOn();
      void mine.then(() => {
        if (this.handoffs.get(gatewayId) === mine) this.handoffs.delete(gatewayId);
      });
    }
  }

  private async storeReadings(
    gatewayId: string,
    payload: Buffer,
    encoding: ReadingsEncoding,
    messageRef: string,
    earlier: Promise<void>,
    signal?: AbortSignal,
  ): Promise<IngestOutcome> {
    const now = this.now();
    const decoded = encoding === 'series' ? decodeSeriesBatch(payload, gatewayId) : decodeJsonBatch(payload);
    const result = validateBatch(decoded, gatewayId, now, this.o.maxReadingAgeDays);
    if (!result.ok) {
      await this.deadLetter(
        [wholeMessage(gatewayId, messageRef, payload, result.reason, result.detail, encoding)],
        signal,
      );
      return {
        stored: [],
        rejection: {
          gatewayId,
          at: now.toISOString(),
          message: { reason: result.reason, detail: result.detail },
          readings: [],
        },
      };
    }
    this.o.metrics.received.inc(result.valid.length + result.rejected.length);
    const rejected: RejectedReading[] = [...result.rejected];
    const checks = await this.o.directory.checkPatients(
      gatewayId,
      result.valid.map((v) => v.reading.patientId),
    );
    const allowed = result.valid.filter((v) => {
      const check = checks.get(v.reading.patientId) ?? 'patient_not_on_gateway';
      if (check === 'ok') return true;
      rejected.push({
        index: v.index,
        readingId: v.reading.id,
        reason: check,
        detail: `patient '${v.reading.patientId}' is not registered to gateway '${gatewayId}'`,
      });
      return false;
    });
    const outcomes = await this.o.batcher.submit(
      allowed.map((v) => readingToLine(v.reading, gatewayId)),
      signal,
    );
    const stored: Reading[] = [];
    outcomes.forEach((outcome, i) => {
      const valid = allowed[i];
      if (!valid) return;
      if (outcome.stored) stored.push(asStored(valid.reading));
      else
        rejected.push({
          index: valid.index,
          readingId: valid.reading.id,
          reason: 'storage_rejected',
          detail: outcome.detail,
        });
    });
    // Stored is stored: the alerts see these readings even if a neighbour's dead letter
    // fails below (the resend then stores and reports them again, which is harmless).
    this.o.metrics.written.inc(stored.length);
    await earlier;
    if (stored.length) this.o.onStored?.(stored, gatewayId);
    rejected.sort((a, b) => a.index - b.index);
    if (rejected.length) {
      const raw = result.readings;
      await this.deadLetter(
        rejected.map((r) => ({
          gatewayId,
          reason: r.reason,
          detail: r.detail,
          ref: r.readingId ?? `${messageRef}#${r.index}`,
          payload: JSON.stringify(raw[r.index]) ?? '',
        })),
        signal,
      );
    }
    return {
      stored,
      ...(rejected.length && {
        rejection: {
          gatewayId,
          at: now.toISOString(),
          readings: rejected,
        },
      }),
    };
  }

  async handleStatus(
    gatewayId: string,
    payload: Buffer,
    messageRef: string,
    signal?: AbortSignal,
  ): Promise<GatewayStatus | undefined> {
    let parsed: ReturnType<typeof GatewayStatus.safeParse>;
    try {
      parsed = GatewayStatus.safeParse(JSON.parse(payload.toString('utf8')));
    } catch (err) {
      await this.deadLetter(
        [wholeMessage(gatewayId, messageRef, payload, 'bad_json', (err as Error).message)],
        signal,
      );
      return;
    }
    if (!parsed.success || parsed.data.gatewayId !== gatewayId) {
      const detail = parsed.success
        ? `gatewayId '${parsed.data.gatewayId}' does not match the topic's '${gatewayId}'`
        : describeIssues(parsed.error);
      await this.deadLetter([wholeMessage(gatewayId, messageRef, payload, 'bad_envelope', detail)], signal);
      return;
    }
    const status = await this.ownDevicesOnly(parsed.data, messageRef, payload, signal);
    const outcomes = await this.o.batcher.submit(gatewayStatusToLines(status, this.now().getTime()), signal);
    const refused = outcomes.find((o) => !o.stored);
    if (refused && !refused.stored) {
      await this.deadLetter(
        [wholeMessage(gatewayId, messageRef, payload, 'storage_rejected', refused.detail)],
        signal,
      );
    }
    this.o.onStatus?.(status);
    return status;
  }

  /**
   * The status with only the devices of patients this gateway serves; the others are
   * dead-lettered with the reason (a gateway may not report on another home's devices).
   */
  private async ownDevicesOnly(
    status: GatewayStatus,
    messageRef: string,
    payload: Buffer,
    signal?: AbortSignal,
  ): Promise<GatewayStatus> {
    if (!status.devices.length) return status;
    const checks = await this.o.directory.checkPatients(
      status.gatewayId,
      status.devices.map((d) => d.patientId),
    );
    const foreign = status.devices.filter((d) => checks.get(d.patientId) !== 'ok');
    if (!foreign.length) return status;
    await this.deadLetter(
      [
        wholeMessage(
          status.gatewayId,
          messageRef,
          payload,
          'patient_not_on_gateway',
          `devices of patients this gateway does not serve left out: ${foreign.map((d) => `${d.deviceId} (${d.patientId})`).join(', ')}`,
        ),
      ],
      signal,
    );
    return { ...status, devices: status.devices.filter((d) => checks.get(d.patientId) === 'ok') };
  }
}
