/**
 * Registers the simulated gateways and patients in the server's records database before the
 * server starts, through the records module as an administrator would (patients, gateways,
 * assignments, issued credentials, with their audit entries). Each chunk runs in one
 * transaction, which makes registering 20,000 patients minutes faster. Steps grow: what is
 * already registered is kept, and only the new gateways get (and report) a secret.
 */
import { assignPatientToGateway, createGateway, issueGatewayCredentials } from '../records/gateways.ts';
import { createPatient } from '../records/patients.ts';
import { openRecordsDb, type RecordsDb } from '../records/records-db.ts';
import { BenchmarkError } from './benchmark-error.ts';
import type { GatewayLogin, GatewayPlan } from './load-plan.ts';

const ACTOR = 'benchmark';
const CHUNK = 500;

export class BenchRegistry {
  private readonly secrets = new Map<string, string>();
  private readonly patients = new Set<string>();
  private readonly assigned = new Set<string>();

  /** `recordsDir` is the server's RPM_DATA_DIR/records. */
  constructor(private readonly recordsDir: string) {}

  /** Registers what is new in `plans` and returns every plan with its gateway's secret. */
  async register(plans: readonly GatewayPlan[]): Promise<GatewayLogin[]> {
    const db = await openRecordsDb({ dataDir: this.recordsDir });
    try {
      for (let i = 0; i < plans.length; i += CHUNK) {
        await db.transaction((tx) => {
          // The records functions open their own transactions: here they join this one.
          const inChunk: RecordsDb = { ...db, query: tx.query, transaction: (work) => work(tx) };
          return this.registerChunk(inChunk, plans.slice(i, i + CHUNK));
        });
      }
    } finally {
      await db.close();
    }
    return plans.map((plan) => ({ ...plan, secret: this.secretOf(plan.gatewayId) }));
  }

  private secretOf(gatewayId: string): string {
    const secret = this.secrets.get(gatewayId);
    if (secret === undefined) throw new BenchmarkError('registry', `gateway ${gatewayId} has no secret`);
    return secret;
  }

  private async registerChunk(db: RecordsDb, plans: readonly GatewayPlan[]): Promise<void> {
    for (const plan of plans) {
      if (!this.secrets.has(plan.gatewayId)) {
        await createGateway(db, { id: plan.gatewayId, label: 'benchmark' }, ACTOR);
        this.secrets.set(plan.gatewayId, await issueGatewayCredentials(db, plan.gatewayId, ACTOR));
      }
      for (const { patientId } of plan.patients) {
        if (!this.patients.has(patientId)) {
          await createPatient(db, { id: patientId, displayName: `Benchmark ${patientId}` }, ACTOR);
          this.patients.add(patientId);
        }
        const pair = `${plan.gatewayId}/${patientId}`;
        if (!this.assigned.has(pair)) {
          await assignPatientToGateway(db, plan.gatewayId, patientId, ACTOR);
          this.assigned.add(pair);
        }
      }
    }
  }
}
