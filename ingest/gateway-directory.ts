/**
 * What the broker and the ingest ask about gateways, from the records database with a
 * short cache: is this the gateway's secret, and which patients does it serve. The cache
 * keeps the hot path (every reading) off the database; `forget` drops an entry at once when
 * this process changes the registry, and the TTL bounds how long another replica can lag.
 */
import { secretMatches } from '../records/gateway-credentials.ts';
import { type GatewayAuthRecord, gatewayAuthRecord } from '../records/gateways.ts';
import type { SqlClient } from '../records/records-db.ts';

export type PatientCheck = 'ok' | 'patient_not_on_gateway';

export class GatewayDirectory {
  private readonly cache = new Map<string, { record: GatewayAuthRecord; loadedAt: number }>();

  constructor(
    private readonly db: SqlClient,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Only registered gateways are cached: an id from outside that names none leaves nothing behind. */
  private async record(gatewayId: string): Promise<GatewayAuthRecord | undefined> {
    const cached = this.cache.get(gatewayId);
    if (cached && this.now() - cached.loadedAt < this.ttlMs) return cached.record;
    const record = await gatewayAuthRecord(this.db, gatewayId);
    if (record) this.cache.set(gatewayId, { record, loadedAt: this.now() });
    else this.cache.delete(gatewayId);
    return record;
  }

  forget(gatewayId?: string): void {
    if (gatewayId === undefined) this.cache.clear();
    else this.cache.delete(gatewayId);
  }

  async authenticate(gatewayId: string, secret: string): Promise<boolean> {
    // Always read fresh: a re-issued secret must lock the old one out at once. Kept only
    // once it authenticated, so refused connects never grow the cache.
    this.forget(gatewayId);
    const record = await gatewayAuthRecord(this.db, gatewayId);
    const ok = !!record?.secretSha256 && secretMatches(secret, record.secretSha256);
    if (ok) this.cache.set(gatewayId, { record, loadedAt: this.now() });
    return ok;
  }

  /** Gateways held in the cache (for tests and /metrics: bounded by the registered ones). */
  get cachedGateways(): number {
    return this.cache.size;
  }

  /** The patients registered to a gateway (empty for an unknown gateway). */
  async patientsOf(gatewayId: string): Promise<Set<string>> {
    return (await this.record(gatewayId))?.patientIds ?? new Set();
  }

  /**
   * For each distinct patient id: may this gateway send readings for it. A patient not on
   * this gateway is refused alike whether or not the code exists elsewhere: a gateway's
   * answers must not tell which patient codes another clinic or home has.
   */
  async checkPatients(gatewayId: string, patientIds: Iterable<string>): Promise<Map<string, PatientCheck>> {
    const served = await this.patientsOf(gatewayId);
    const result = new Map<string, PatientCheck>();
    for (const id of new Set(patientIds)) result.set(id, served.has(id) ? 'ok' : 'patient_not_on_gateway');
    return result;
  }
}
