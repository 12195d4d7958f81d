/**
 * The records schema, as an ordered list of migrations. A migration is never edited once
 * released: changes are new entries. Each runs in its own transaction and is recorded in
 * `schema_migrations`, so a crash mid-way leaves the previous version intact.
 */
import type { RecordsDb } from './records-db.ts';

const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'registry, users, sessions, audit',
    sql: `
      CREATE TABLE patients (
        id text PRIMARY KEY,
        display_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE gateways (
        id text PRIMARY KEY,
        label text NOT NULL DEFAULT '',
        -- SHA-256 of the gateway's 192-bit random secret (see gateway-credentials.ts).
        secret_sha256 text,
        -- The same secret as Mosquitto's password-file hash, for external brokers.
        mosquitto_hash text,
        credentials_issued_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE gateway_patients (
        gateway_id text NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,
        patient_id text NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
        PRIMARY KEY (gateway_id, patient_id)
      );
      CREATE INDEX gateway_patients_patient ON gateway_patients(patient_id);
      CREATE TABLE users (
        id text PRIMARY KEY,
        display_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('nurse', 'doctor', 'admin')),
        email text,
        password_hash text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE care_teams (
        id text PRIMARY KEY,
        name text NOT NULL
      );
      CREATE TABLE care_team_members (
        team_id text NOT NULL REFERENCES care_teams(id) ON DELETE CASCADE,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        -- Escalation order: 1 is notified first, 2 when an alert escalates, and so on.
        escalation_order integer NOT NULL CHECK (escalation_order >= 1),
        PRIMARY KEY (team_id, user_id)
      );
      CREATE TABLE patient_care_teams (
        patient_id text NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
        team_id text NOT NULL REFERENCES care_teams(id) ON DELETE CASCADE,
        PRIMARY KEY (patient_id, team_id)
      );
      CREATE INDEX patient_care_teams_team ON patient_care_teams(team_id);
      CREATE TABLE sessions (
        -- SHA-256 of the session token: a stolen database does not yield live sessions.
        token_sha256 text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX sessions_expiry ON sessions(expires_at);
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      );
      CREATE INDEX audit_log_target ON audit_log(target_type, target_id, at);
    `,
  },
  {
    version: 2,
    name: 'care plans, alerts, notification deliveries',
    sql: `
      CREATE TABLE care_plans (
        patient_id text PRIMARY KEY REFERENCES patients(id) ON DELETE CASCADE,
        plan jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL
      );
      -- One row per alert (patient, rule, episode): its whole lifecycle record as the alerts
      -- engine defines it, plus the columns the screens filter on.
      CREATE TABLE alerts (
        alert_id text PRIMARY KEY,
        patient_id text NOT NULL,
        rule_id text NOT NULL,
        severity text NOT NULL,
        state text NOT NULL,
        fired_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        record jsonb NOT NULL
      );
      CREATE INDEX alerts_patient ON alerts(patient_id, fired_at DESC);
      CREATE INDEX alerts_open ON alerts(state) WHERE state <> 'resolved';
      CREATE TABLE alert_events (
        event_id text PRIMARY KEY,
        alert_id text NOT NULL,
        patient_id text NOT NULL,
        type text NOT NULL,
        at timestamptz NOT NULL,
        event jsonb NOT NULL
      );
      CREATE INDEX alert_events_alert ON alert_events(alert_id, at);
      -- The notification log: one row per (event, channel, recipient), so a restart resumes
      -- what was pending and never sends twice what was sent.
      CREATE TABLE notification_deliveries (
        delivery_id text PRIMARY KEY,
        event_id text NOT NULL,
        channel text NOT NULL,
        recipient text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX notification_deliveries_due ON notification_deliveries(next_attempt_at) WHERE status = 'pending';
    `,
  },
  {
    version: 3,
    name: 'alert snoozes',
    sql: `
      CREATE TABLE alert_silences (
        patient_id text NOT NULL,
        rule_id text NOT NULL,
        until timestamptz NOT NULL,
        silence jsonb NOT NULL,
        PRIMARY KEY (patient_id, rule_id)
      );
    `,
  },
  {
    version: 4,
    name: 'notification order',
    sql: `
      -- Events reach each recipient in the order they happened (fired before resolved).
      ALTER TABLE notification_deliveries ADD COLUMN seq bigserial;
    `,
  },
];

export async function migrate(db: RecordsDb): Promise<void> {
  await db.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied = new Set(
    (await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    await db.transaction(async (tx) => {
      for (const statement of m.sql.split(/;\s*\n/).filter((s) => s.trim())) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    });
  }
}
