/**
 * Once a second during a measurement window: the server's write backlog (its
 * rpm_ingest_backlog_lines metric), how long the server took to answer that request, and
 * InfluxDB's resident memory, keeping the largest of each. InfluxDB runs through the whole
 * benchmark, so its lifetime peak (VmHWM) would not belong to one step.
 */
import { readProcessUsage } from './proc-stats.ts';
import { metricValue } from './server-process.ts';

const HTTP_TIMEOUT_MS = 10_000;

export class StepSampler {
  /** Null until /metrics answers. */
  serverBacklogLinesMax: number | null = null;
  serverHttpResponseMsMax = 0;
  influxdRssBytesMax = 0;
  private timer: NodeJS.Timeout | undefined;
  /** When the request now waiting for the server was sent. */
  private asked: number | undefined;

  constructor(
    private readonly httpUrl: string,
    private readonly influxdPid: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), 1000);
    void this.sample();
  }

  /** Stops sampling; a request still waiting for the server counts with the time it has waited. */
  stop(): void {
    clearInterval(this.timer);
    if (this.asked !== undefined) this.noteResponse(performance.now() - this.asked);
  }

  private noteResponse(ms: number): void {
    this.serverHttpResponseMsMax = Math.max(this.serverHttpResponseMsMax, ms);
  }

  private async sample(): Promise<void> {
    this.influxdRssBytesMax = Math.max(this.influxdRssBytesMax, readProcessUsage(this.influxdPid).rssBytes);
    if (this.asked !== undefined) return;
    const asked = performance.now();
    this.asked = asked;
    try {
      const res = await fetch(`${this.httpUrl}/metrics`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
      const backlog = metricValue(await res.text(), 'rpm_ingest_backlog_lines');
      if (backlog !== undefined)
        this.serverBacklogLinesMax = Math.max(this.serverBacklogLinesMax ?? 0, backlog);
    } catch {
      // no answer within the timeout: counted below with the time waited
    } finally {
      this.noteResponse(performance.now() - asked);
      this.asked = undefined;
    }
  }
}
