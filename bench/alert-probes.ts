/**
 * How fast an alert arrives, under load: probe patients (general adult care plan, the
 * default) whose SpO2 stays low long enough for `general.spo2_low` to fire. Each probe first
 * publishes the earlier part of the low run with past sample times (stored before the
 * crossing reading is sent: its PUBACK is awaited), then the final low reading, sampled now,
 * which completes the sustain. The latency is from publishing that reading to the `fired`
 * event arriving on `rpm/v1/alerts/{patient}` at a read-only MQTT subscriber: storage,
 * rule evaluation, the alert transaction and the notification dispatcher included.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { TEMPLATES } from '../alerts/care-plan-templates.ts';
import { AlertEvent, MAX_READINGS_PER_BATCH, type ReadingInput, topics } from '../common/contract.ts';
import { BenchmarkError } from './benchmark-error.ts';
import type { AlertFigures } from './benchmark-report.ts';
import { connectAsGateway } from './gateway-connection.ts';
import { jsonPayload } from './json-payload.ts';
import type { GatewayLogin } from './load-plan.ts';
import { summarizeLatencies } from './percentiles.ts';
import { spo2Reading } from './vital-sign-readings.ts';
import { sleep, within } from './waiting.ts';

const RULE_ID = 'general.spo2_low';

/** The rule the probes drive, from the template itself (level and sustain are clinical data). */
function spo2LowRule(): { lowPercent: number; sustainMs: number } {
  const rule = TEMPLATES.general_adult.rules.find((r) => r.id === RULE_ID);
  if (rule?.kind !== 'threshold' || typeof rule.level !== 'number' || rule.sustain?.minutes === undefined)
    throw new BenchmarkError(
      'alert probes',
      `${RULE_ID} is not a threshold rule with one level and a sustain in minutes`,
    );
  // 3 points below the level (91 %, NEWS2 score 3 [K6]): unambiguously low.
  return { lowPercent: rule.level - 3, sustainMs: rule.sustain.minutes * 60_000 };
}

interface Probe {
  login: GatewayLogin;
  patientId: string;
  client: MqttClient;
  sentAt?: number;
  firedAt?: number;
}

export class AlertProbes {
  private readonly rule = spo2LowRule();

  private constructor(
    private readonly subscriber: MqttClient,
    private readonly probes: Probe[],
    private readonly timeoutMs: number,
  ) {
    const byPatient = new Map(probes.map((p) => [p.patientId, p]));
    subscriber.on('message', (_topic, payload) => {
      const event = AlertEvent.safeParse(jsonPayload(payload));
      if (!event.success || event.data.type !== 'fired' || event.data.ruleId !== RULE_ID) return;
      const probe = byPatient.get(event.data.patientId);
      if (probe && probe.sentAt !== undefined && probe.firedAt === undefined)
        probe.firedAt = performance.now();
    });
  }

  /** Connects the subscriber (read-only account) and one gateway per probe patient. */
  static async connect(o: {
    mqttUrl: string;
    subscriber: { username: string; password: string };
    probes: readonly GatewayLogin[];
    timeoutMs: number;
  }): Promise<AlertProbes> {
    // The subscriber's client ids are its own: its username, or one starting with it.
    const subscriber = await mqtt.connectAsync(o.mqttUrl, {
      ...o.subscriber,
      clientId: `${o.subscriber.username}-probes`,
      reconnectPeriod: 0,
    });
    await subscriber.subscribeAsync(topics.allAlerts, { qos: 1 });
    const probes: Probe[] = [];
    for (const login of o.probes) {
      const patient = login.patients[0];
      if (!patient)
        throw new BenchmarkError('alert probes', `probe gateway ${login.gatewayId} has no patient`);
      probes.push({ login, patientId: patient.patientId, client: await connectAsGateway(o.mqttUrl, login) });
    }
    return new AlertProbes(subscriber, probes, o.timeoutMs);
  }

  /** Runs the probes one after another, spread over `spanMs`; none starts after it. */
  async run(spanMs: number): Promise<void> {
    const started = performance.now();
    const deadline = started + spanMs;
    for (const [k, probe] of this.probes.entries()) {
      await sleep(started + (k * spanMs) / this.probes.length - performance.now());
      if (performance.now() >= deadline) return;
      await this.probe(probe, deadline);
    }
  }

  private async probe(probe: Probe, deadline: number): Promise<void> {
    const { gatewayId } = probe.login;
    const topic = topics.readings(gatewayId);
    const publish = (readings: ReadingInput[]) =>
      probe.client.publishAsync(
        topic,
        JSON.stringify({ gatewayId, sentAt: new Date().toISOString(), readings }),
        {
          qos: 1,
        },
      );
    const nowMs = Math.floor(Date.now() / 1000) * 1000;
    const low = (timeMs: number) => spo2Reading(probe.patientId, timeMs, this.rule.lowPercent, Math.random);
    // One reading a second over the sustain, all but the last: the run is one second short.
    const earlier = Array.from({ length: this.rule.sustainMs / 1000 }, (_, i) =>
      low(nowMs - this.rule.sustainMs + i * 1000),
    );
    try {
      for (let i = 0; i < earlier.length; i += MAX_READINGS_PER_BATCH) {
        const stored = await within(
          deadline - performance.now(),
          publish(earlier.slice(i, i + MAX_READINGS_PER_BATCH)),
        );
        if (stored === 'timeout') return;
      }
    } catch {
      // The connection dropped (a server too busy to answer keepalives): this probe is not sent.
      return;
    }
    probe.sentAt = performance.now();
    // Not awaited: the latency runs to the alert event, whatever the PUBACK does.
    void publish([low(nowMs)]).catch(() => {});
  }

  /** Waits for the `fired` events still due (each at most the timeout after its reading). */
  async results(): Promise<AlertFigures> {
    const sent = this.probes.filter((p) => p.sentAt !== undefined);
    for (;;) {
      const now = performance.now();
      const waiting = sent.filter((p) => p.firedAt === undefined && now - (p.sentAt ?? now) < this.timeoutMs);
      if (waiting.length === 0) break;
      await sleep(50);
    }
    const latencies = sent.flatMap((p) =>
      p.firedAt !== undefined && p.sentAt !== undefined && p.firedAt - p.sentAt <= this.timeoutMs
        ? [p.firedAt - p.sentAt]
        : [],
    );
    return {
      planned: this.probes.length,
      sent: sent.length,
      fired: latencies.length,
      missed: sent.length - latencies.length,
      timeoutSeconds: this.timeoutMs / 1000,
      latencyMs: summarizeLatencies(latencies),
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.probes.map((p) => p.client.endAsync(true)), this.subscriber.endAsync(true)]);
  }
}
