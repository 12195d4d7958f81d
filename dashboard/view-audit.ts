/**
 * Who viewed what, for the audit log. A patient's own data (the patient view, a chart, the
 * care plan, the patient's alerts) is recorded at every request. Lists over many patients
 * (the ward, the alert worklist, the live feed) reload often (the ward every minute and on
 * every event), so each is recorded once per user while the set of patients shown stays the
 * same, and again whenever it changes (or after a server restart).
 */
import { recordAudit } from '../records/audit-log.ts';
import type { SqlClient } from '../records/records-db.ts';

export type PatientView = 'patient.view' | 'patient.chart.view' | 'care_plan.view' | 'alerts.view';
export type ListView = 'ward.view' | 'alerts.list.view' | 'live.open';

export class ViewAudit {
  /** Per user and list: the patients last recorded as shown. */
  private readonly lastShown = new Map<string, string>();

  constructor(private readonly records: SqlClient) {}

  patient(actor: string, action: PatientView, patientId: string, detail?: Record<string, unknown>) {
    return recordAudit(this.records, { actor, action, targetType: 'patient', targetId: patientId, detail });
  }

  async list(actor: string, action: ListView, patientIds: readonly string[]): Promise<void> {
    const shown = [...patientIds].sort();
    const key = `${actor}\n${action}`;
    const signature = shown.join(',');
    if (this.lastShown.get(key) === signature) return;
    await recordAudit(this.records, {
      actor,
      action,
      targetType: 'patients',
      targetId: `${shown.length} patients`,
      detail: { patientIds: shown },
    });
    this.lastShown.set(key, signature);
  }
}
