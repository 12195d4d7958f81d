/** A benchmark report as markdown: the tables the README quotes, with the machine and the notes. */
import type { BenchmarkReport, LatencySummary, StepResult } from './benchmark-report.ts';

const whole = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number) => n.toFixed(digits);
const share = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;
const ms = (n: number) => (n >= 100 ? whole(n) : fixed(n, 1));

function latencies(l: LatencySummary | null): string {
  return l ? `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)}` : '-';
}

/** Columns of figures are right-aligned, columns of words left-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const align = header.map((_, i) => (rows.every((row) => /^[\d-]/.test(row[i] ?? '')) ? '---:' : '---'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function pipelineTable(steps: readonly StepResult[]): string {
  return table(
    [
      'patients',
      'gateways',
      'offered readings/s',
      'stored readings/s (InfluxDB count)',
      'stored / offered',
      'of InfluxDB ceiling',
      'of broker ceiling',
      'publish -> stored ms p50 / p95 / p99',
      'alert ms p50 / p95 / p99 (fired / sent)',
      'server cores',
      'server peak MiB',
      'InfluxDB cores',
      'generator cores',
      'machine busy cores (others)',
      'carried',
    ],
    steps.map((s) => [
      whole(s.patients),
      whole(s.gateways),
      whole(s.offeredReadingsPerSecond),
      whole(s.storedReadingsPerSecond),
      share(s.storedPerOffered),
      share(s.storedPerInfluxCeiling),
      share(s.storedPerBrokerCeiling),
      latencies(s.publishToStoredMs),
      `${latencies(s.alerts.latencyMs)} (${s.alerts.fired} / ${s.alerts.sent})`,
      fixed(s.server.cores, 2),
      whole(s.server.peakRssMib),
      fixed(s.influxd.cores, 2),
      fixed(s.generator.cores, 2),
      `${fixed(s.machineBusyCores, 2)} (${fixed(s.otherProcessesCores, 2)})`,
      s.keepsUp ? 'yes' : 'no',
    ]),
  );
}

function backlogTable(steps: readonly StepResult[]): string {
  return table(
    [
      'patients',
      'server start s / gateways connected s',
      'acked readings/s',
      'bytes/reading payload / MQTT',
      'unacknowledged at gateways (end of window)',
      'gateways at in-flight limit',
      'server write backlog max (lines)',
      'server HTTP answer max ms',
      'drain s',
      'generator lag max ms / loop p99 ms',
      'acknowledged / stored after drain',
      'server shutdown s',
    ],
    steps.map((s) => [
      whole(s.patients),
      `${fixed(s.serverStartSeconds, 1)} / ${fixed(s.gatewaysConnectSeconds, 1)}`,
      whole(s.ackedReadingsPerSecond),
      `${whole(s.payloadBytesPerReading)} / ${whole(s.mqttBytesPerReading)}`,
      whole(s.backlog.gatewayUnacknowledgedReadings),
      whole(s.backlog.gatewaysAtInFlightLimit),
      s.backlog.serverBacklogLinesMax === null ? '- (no answer)' : whole(s.backlog.serverBacklogLinesMax),
      whole(s.backlog.serverHttpResponseMsMax),
      `${fixed(s.backlog.drainSeconds, 1)}${s.backlog.drained ? '' : ' (not drained)'}`,
      `${whole(s.backlog.generatorScheduleLagMaxMs)} / ${fixed(s.backlog.generatorEventLoopDelayP99Ms, 1)}`,
      `${whole(s.verification.acknowledged)} / ${whole(s.verification.stored)}`,
      `${fixed(s.backlog.serverShutdownSeconds, 1)}${s.backlog.serverShutdownForced ? ' (ended)' : ''}`,
    ]),
  );
}

function findings(steps: readonly StepResult[]): string {
  return steps
    .map((s) => {
      const what = s.findings.length ? s.findings.join('; ') : 'no backlog, nothing refused, nothing lost';
      return `- **${whole(s.patients)} patients** (${s.keepsUp ? 'carried' : 'not carried'}): ${what}.`;
    })
    .join('\n');
}

function profiles(steps: readonly StepResult[]): string {
  return steps
    .flatMap((s) => {
      const p = s.serverProfile;
      if (!p) return [];
      const rows = p.hotspots.map((h) => [h.function, h.location, `${fixed(h.selfPercent, 1)} %`]);
      return [
        `**${whole(s.patients)} patients**: ${fixed(p.seconds, 0)} s of samples, idle ${fixed(p.idlePercent, 1)} %, garbage collection ${fixed(p.gcPercent, 1)} %.\n\n${table(['function', 'where', 'self time'], rows)}`,
      ];
    })
    .join('\n\n');
}

function ceilings(r: BenchmarkReport): string {
  const { influx, broker } = r.ceilings;
  return table(
    ['ceiling', 'rate', 'how', 'CPU'],
    [
      [
        'InfluxDB, raw /write',
        `${whole(influx.pointsPerSecond)} points/s (InfluxDB counted ${whole(influx.pointsStored)} of ${whole(influx.pointsWritten)} written)`,
        `${influx.writers} writers x ${whole(influx.batchLines)}-line batches of ${whole(influx.bytesPerLine)}-byte lines, uncompressed, ${fixed(influx.seconds, 1)} s`,
        `influxd ${fixed(influx.influxdCores, 2)} cores; others ${fixed(influx.otherProcessesCores, 2)}`,
      ],
      [
        'bare aedes, QoS 1 pass-through',
        `${whole(broker.messagesDeliveredPerSecond)} messages/s = ${whole(broker.readingsDeliveredPerSecond)} readings/s delivered (PUBACKs ${whole(broker.publishesAckedPerSecond)}/s)`,
        `${broker.publishers} publishers x ${broker.maxInFlight} in flight, ${fixed(broker.readingsPerMessage, 2)} readings and ${whole(broker.payloadBytesPerMessage)} B per message, one subscriber, ${fixed(broker.seconds, 1)} s`,
        `broker ${fixed(broker.brokerCores, 2)}, generator ${fixed(broker.generatorCores, 2)} cores; others ${fixed(broker.otherProcessesCores, 2)}`,
      ],
    ],
  );
}

function gatewaySide(r: BenchmarkReport): string {
  const decoders = table(
    ['characteristic', 'UUID', 'bytes', 'decodes/s'],
    r.gatewaySide.decodeRates.map((d) => [
      d.characteristic,
      d.uuid,
      String(d.bytes),
      whole(d.decodesPerSecond),
    ]),
  );
  const spool = table(
    ['appends waiting at once', 'readings/s stored durably', 'fsync rounds', 'readings per fsync'],
    r.gatewaySide.spoolAppendRates.map((s) => [
      String(s.concurrentAppends),
      whole(s.readingsPerSecond),
      whole(s.commits),
      s.commits > 0 ? fixed(s.readings / s.commits, 1) : '-',
    ]),
  );
  return `${decoders}\n\nDisk spool (one reading per append, each append resolved after fsync):\n\n${spool}`;
}

export function formatReport(r: BenchmarkReport): string {
  const m = r.machine;
  const carried =
    r.patientsCarried === null
      ? 'none of the steps'
      : `${whole(r.patientsCarried)} patients (${whole(2 * r.patientsCarried)} readings/s plus CGM)`;
  return `# RPM benchmark

Run ${r.startedAt} to ${r.finishedAt} on ${m.cpuModel} (${m.logicalCpus} logical CPUs), ${whole(m.memoryMib)} MiB memory, ${m.kernel}; Node ${m.nodeVersion}; InfluxDB ${m.influxVersion}. Before the run, other work kept ${fixed(r.busyCoresBeforeStart, 2)} cores busy.

**Carried by this machine** (every reading stored as fast as it arrived, no growing backlog, nothing lost): ${carried}.

## Pipeline: gateways -> embedded broker -> ingest -> InfluxDB -> alerts

${pipelineTable(r.steps)}

${findings(r.steps)}

### Backlog and verification

${backlogTable(r.steps)}
${r.steps.some((s) => s.serverProfile) ? `\n### Where the server's time went (V8 CPU profile of the whole step; the profiler slows the server)\n\n${profiles(r.steps)}\n` : ''}
## Ceilings, measured in the same run

${ceilings(r)}

## Gateway side (one core)

${gatewaySide(r)}

## Notes

${r.notes.map((n) => `- ${n}`).join('\n')}
`;
}
