/**
 * The gateway's "nothing lost offline" path against real brokers: an in-process aedes whose
 * publish hook can withhold PUBACK (as the embedded server does while InfluxDB is down), a
 * publisher process killed with SIGKILL, and the real server with its InfluxDB.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AuthorizePublishHandler } from 'aedes';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeJsonBatch,
  GatewayStatus,
  MAX_PAYLOAD_BYTES,
  type ReadingInput,
  type RejectionMessage,
  topics,
} from '../common/contract.ts';
import { decodeSeriesBatch } from '../common/series-batch.ts';
import { decodeGlucoseMeasurement } from '../gateway/gatt/glucose-measurement.ts';
import { hexBytes } from '../gateway/gatt/hex-bytes.ts';
import { glucoseMeterReadings } from '../gateway/profiles/glucose-meter/readings.ts';
import { ReadingPublisher, type ReadingPublisherOptions } from '../gateway/reading-publisher.ts';
import { ReadingSpool } from '../gateway/spool/reading-spool.ts';
import {
  connectClient,
  oximeterReading,
  registerGateway,
  startTestServer,
  uniqueDatabase,
} from './helpers.ts';
import { TEST_CERT, TEST_KEY } from './tls-fixture.ts';

const GATEWAY = 'GW-SPOOL';
const START = Date.UTC(2026, 10, 24, 8, 0, 0);
const reading = (n: number, over: Partial<ReadingInput> = {}) =>
  oximeterReading(n, { start: START, patientId: 'P300', ...over });
const readings = (from: number, count: number) => Array.from({ length: count }, (_, i) => reading(from + i));
const idsOf = (list: readonly ReadingInput[]) => list.map((r) => r.id);
const silent = pino({ level: 'silent' });
const POLL = { timeout: 30_000, interval: 20 };

/**
 * An aedes broker on a fixed port (plain TCP, or TLS with TEST_CERT) that records the readings
 * it acknowledges and the messages they came in, and can withhold PUBACK.
 */
async function startTestBroker(options: { tls?: boolean } = {}) {
  const acknowledged: ReadingInput[] = [];
  const messages: { readings: number; bytes: number; sentAt: string; topic: string }[] = [];
  const held: (() => void)[] = [];
  let holding = false;
  let aedes: Aedes | undefined;
  let server: Server | undefined;
  const authorizePublish: AuthorizePublishHandler = (client, packet, callback) => {
    const series = packet.topic.endsWith('/series');
    if (!client || !(series || packet.topic.endsWith('/readings'))) return callback(null);
    const acknowledge = () => {
      const payload = Buffer.from(packet.payload);
      const batch = series ? decodeSeriesBatch(payload, GATEWAY) : decodeJsonBatch(payload);
      if (!batch.ok) throw new Error(`the publisher sent a bad batch: ${batch.detail}`);
      const got = batch.entries.map((e) => e.raw as ReadingInput);
      acknowledged.push(...got);
      messages.push({
        readings: got.length,
        bytes: payload.length,
        sentAt: batch.sentAt,
        topic: packet.topic,
      });
      callback(null); // aedes writes the PUBACK only now
    };
    if (holding) held.push(acknowledge);
    else acknowledge();
  };
  const broker = {
    port: 0,
    acknowledged,
    messages,
    held,
    /** Withholds PUBACK of readings from now on. */
    hold: () => {
      holding = true;
    },
    /** Acknowledges the held messages and those to come. */
    release: () => {
      holding = false;
      for (const acknowledge of held.splice(0)) acknowledge();
    },
    async start() {
      aedes = await Aedes.createBroker({ authorizePublish });
      const s = options.tls
        ? createTlsServer({ cert: TEST_CERT, key: TEST_KEY }, aedes.handle)
        : createServer(aedes.handle);
      server = s;
      await new Promise<void>((done) => s.listen(broker.port, '127.0.0.1', done));
      const address = s.address();
      if (typeof address === 'object' && address) broker.port = address.port;
    },
    /** Stops abruptly: held messages are never acknowledged, retained messages are forgotten. */
    async stop() {
      held.length = 0;
      holding = false;
      const [a, s] = [aedes, server];
      if (!a || !s) return;
      const closed = new Promise<void>((done) => s.close(() => done()));
      await new Promise<void>((done) => a.close(() => done()));
      await closed;
    },
  };
  await broker.start();
  return broker;
}
type TestBroker = Awaited<ReturnType<typeof startTestBroker>>;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openSpool(dir: string): Promise<ReadingSpool> {
  return ReadingSpool.open({ dir, maxBytes: 64 * 1024 * 1024, whenFull: 'refuse-new', log: silent });
}

function startPublisher(
  spool: ReadingSpool,
  port: number,
  options: Partial<ReadingPublisherOptions> = {},
): ReadingPublisher {
  const publisher = ReadingPublisher.start({
    gatewayId: GATEWAY,
    mqtt: { url: `mqtt://127.0.0.1:${port}` },
    publish: { batchSize: 200, maxInFlight: 8, streamWindowMs: 20, encoding: 'series' },
    spool,
    log: silent,
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
    closeTimeoutMs: 2000,
    ...options,
  });
  cleanups.push(() => publisher.close());
  return publisher;
}

async function appendAll(spool: ReadingSpool, list: readonly ReadingInput[]): Promise<void> {
  for (let i = 0; i < list.length; i += 100) await spool.append(list.slice(i, i + 100));
}

/** Collects the gateway's status messages (retained ones included) as a separate client sees them. */
async function watchStatus(port: number) {
  const client = await connectClient(port, { clientId: `status-watcher-${port}-${Date.now()}` });
  cleanups.push(() => client.endAsync());
  const seen: { status: GatewayStatus; retained: boolean }[] = [];
  client.on('message', (_topic, payload, packet) =>
    seen.push({ status: GatewayStatus.parse(JSON.parse(payload.toString())), retained: packet.retain }),
  );
  await client.subscribeAsync(topics.status(GATEWAY), { qos: 1 });
  return seen;
}

async function brokerWithCleanup(options: { tls?: boolean } = {}): Promise<TestBroker> {
  const broker = await startTestBroker(options);
  cleanups.push(() => broker.stop());
  return broker;
}

/** A publisher whose broker withholds every PUBACK, started on `count` spooled readings (full batches of 200). */
async function stalledPublisher(count: number, options: Partial<ReadingPublisherOptions> = {}) {
  const broker = await brokerWithCleanup();
  broker.hold();
  const spool = await openSpool(await mkdtemp(join(tmpdir(), 'rpm-pub-')));
  await appendAll(spool, readings(0, count));
  const publisher = startPublisher(spool, broker.port, options);
  return { broker, publisher };
}

describe('gateway publisher with a real broker', () => {
  it('delivers readings appended while the broker was down, exactly as appended, once it is back', async () => {
    const broker = await brokerWithCleanup();
    const spool = await openSpool(await mkdtemp(join(tmpdir(), 'rpm-pub-')));
    const clock = '2026-11-24T09:00:00.000Z';
    const publisher = startPublisher(spool, broker.port, { now: () => new Date(clock) });
    const events: string[] = [];
    let publishedEvents = 0;
    publisher.on('connect', () => events.push('connect'));
    publisher.on('disconnect', () => events.push('disconnect'));
    publisher.on('published', (batch) => {
      publishedEvents += batch.readings;
    });
    await expect.poll(() => publisher.state().connected, POLL).toBe(true);

    await broker.stop();
    await expect.poll(() => publisher.state().connected, POLL).toBe(false);
    // A publisher closed while the broker is down stops at once and keeps its readings.
    const offlineDir = await mkdtemp(join(tmpdir(), 'rpm-pub-'));
    const offlineSpool = await openSpool(offlineDir);
    await offlineSpool.append(readings(0, 10));
    const offline = startPublisher(offlineSpool, broker.port, { closeTimeoutMs: 60_000 });
    await offline.close();
    const offlineReopened = await openSpool(offlineDir);
    cleanups.push(() => offlineReopened.close());
    expect(offlineReopened.pending).toBe(10);

    const appended = readings(0, 5000);
    await appendAll(spool, appended);
    expect(publisher.state().spooled).toBe(5000);

    await broker.start(); // same port
    await expect.poll(() => publisher.state().spooled, POLL).toBe(0);
    expect(broker.acknowledged).toEqual(appended);
    expect(publisher.state()).toMatchObject({
      connected: true,
      publishedReadings: 5000,
      lastPublishAt: clock,
    });
    expect(new Set(broker.messages.map((m) => m.sentAt))).toEqual(new Set([clock]));
    expect(publishedEvents).toBe(5000);
    expect(events).toEqual(['connect', 'disconnect', 'connect']);
  }, 60_000);

  it('stalls without loss while the broker withholds PUBACK, and resumes when it acknowledges', async () => {
    const { broker, publisher } = await stalledPublisher(3000);

    await expect.poll(() => publisher.state().inFlightMessages, POLL).toBe(8);
    await expect.poll(() => broker.held.length, POLL).toBeGreaterThan(0);
    await sleep(300); // the pipe stays stalled: no PUBACK, no more messages, nothing acknowledged
    expect(publisher.state()).toMatchObject({ inFlightMessages: 8, publishedReadings: 0, spooled: 3000 });
    expect(broker.acknowledged).toEqual([]);

    broker.release();
    await expect.poll(() => publisher.state().spooled, POLL).toBe(0);
    expect(idsOf(broker.acknowledged)).toEqual(idsOf(readings(0, 3000)));
  }, 60_000);

  it('sends the batches in flight again over the next connection when the broker goes away without acknowledging', async () => {
    const { broker, publisher } = await stalledPublisher(2000);
    await expect.poll(() => publisher.state().inFlightMessages, POLL).toBe(8);

    await broker.stop(); // the held messages are never acknowledged
    await broker.start();
    await expect.poll(() => publisher.state().spooled, POLL).toBe(0);
    // Every reading exactly once: neither lost with the connection nor resent twice by mqtt.js.
    expect(idsOf(broker.acknowledged)).toEqual(idsOf(readings(0, 2000)));
  }, 60_000);

  it('delivers the rest after a clean close and a new publisher on the same spool, without duplicates', async () => {
    const broker = await brokerWithCleanup();
    const statuses = await watchStatus(broker.port);
    const dir = await mkdtemp(join(tmpdir(), 'rpm-pub-'));
    const spool = await openSpool(dir);
    const publish = { batchSize: 50, maxInFlight: 2, streamWindowMs: 0, encoding: 'series' as const };
    const first = startPublisher(spool, broker.port, { publish });
    broker.hold();
    await appendAll(spool, readings(0, 3000));
    await expect.poll(() => first.state().inFlightMessages, POLL).toBe(2);

    const closing = first.close(); // takes no new batch, waits for the PUBACKs of the two in flight
    broker.release();
    await closing;
    expect(idsOf(broker.acknowledged)).toEqual(idsOf(readings(0, 100)));
    await expect
      .poll(() => statuses.at(-1)?.status, POLL)
      .toMatchObject({ gatewayId: GATEWAY, online: false });

    const reopened = await openSpool(dir);
    expect(reopened.pending).toBe(2900);
    startPublisher(reopened, broker.port, { publish });
    await expect.poll(() => reopened.pending, POLL).toBe(0);
    expect(idsOf(broker.acknowledged)).toEqual(idsOf(readings(0, 3000)));
  }, 60_000);

  it('sends full batches at once and keeps a partial one waiting for more readings', async () => {
    const broker = await brokerWithCleanup();
    const spool = await openSpool(await mkdtemp(join(tmpdir(), 'rpm-pub-')));
    // The linger outlasts the test: a full batch that waited for it would time the test out.
    const publisher = startPublisher(spool, broker.port, {
      publish: { batchSize: 50, maxInFlight: 8, streamWindowMs: 60_000, encoding: 'series' },
    });
    await spool.append(readings(0, 120), { stream: true });
    await expect.poll(() => publisher.state().spooled, POLL).toBe(20);
    expect(broker.messages.map((m) => m.readings)).toEqual([50, 50]);
  });

  it('sends a partial batch of streamed readings once the window has passed, with those that came meanwhile', async () => {
    const broker = await brokerWithCleanup();
    const spool = await openSpool(await mkdtemp(join(tmpdir(), 'rpm-pub-')));
    startPublisher(spool, broker.port, {
      publish: { batchSize: 50, maxInFlight: 8, streamWindowMs: 1500, encoding: 'series' },
    });
    await spool.append(readings(0, 10), { stream: true });
    await spool.append(readings(10, 10), { stream: true });
    await expect.poll(() => broker.messages.map((m) => m.readings), POLL).toEqual([20]);
  });

  it('sends a spot measurement at once, with the streamed readings waiting for the window', async () => {
    const broker = await brokerWithCleanup();
    const spool = await openSpool(await mkdtemp(join(tmpdir(), 'rpm-pub-')));
    // The window outlasts the test: a spot reading that waited for it would time the test out.
    const publisher = startPublisher(spool, broker.port, {
      publish: { batchSize: 50, maxInFlight: 8, streamWindowMs: 60_000, encoding: 'series' },
    });
    await spool.append(readings(0, 10), { stream: true });
    await sleep(300);
    expect(broker.messages).toEqual([]);
    const cuff = reading(10, {
      metric: 'blood_pressure',
      unit: 'mm[Hg]',
      value: 150,
      components: { diastolic: 95 },
      deviceId: 'cuff-1',
      id: `cuff-1:blood_pressure:${START + 10_000}`,
    });
    await spool.append([cuff]);
    await expect.poll(() => publisher.state().spooled, POLL).toBe(0);
    expect(broker.messages.map((m) => m.readings)).toEqual([11]);
    expect(idsOf(broker.acknowledged)).toEqual(expect.arrayContaining([cuff.id, ...idsOf(readings(0, 10))]));
  });

  it('sends the same readings as JSON when asked to (RPM_PUBLISH_ENCODING=json), and compact series otherwise', async () => {
    const broker = await brokerWithCleanup();
    const jsonSpool = await openSpool(await mkdtemp(join(tmpdir(), 'rpm-pub-')));
    startPublisher(jsonSpool, broker.port, {
      publish: { batchSize: 200, maxInFlight: 8, streamWindowMs: 20, encoding: 'json' },
    });
    await jsonSpool.append(readings(0, 30));
    await expect.poll(() => broker.acknowledged.length, POLL).toBe(30);
    const json = broker.messages.splice(0);
    const compactSpool = await openSpool(await mkdtemp(join(tmpdir(), 'rpm-pub-')));
    startPublisher(compactSpool, broker.port, {
      publish: { batchSize: 200, maxInFlight: 8, streamWindowMs: 20, encoding: 'series' },
    });
    await compactSpool.append(readings(0, 30));
    await expect.poll(() => broker.acknowledged.length, POLL).toBe(60);
    expect(broker.acknowledged.slice(30)).toEqual(broker.acknowledged.slice(0, 30));
    expect(json.map((m) => m.topic)).toEqual([topics.readings(GATEWAY)]);
    expect(broker.messages.map((m) => m.topic)).toEqual([topics.series(GATEWAY)]);
    expect(json[0]?.bytes).toBeGreaterThan(10 * (broker.messages[0]?.bytes ?? Number.POSITIVE_INFINITY));
  });

  it('keeps every message under the broker payload limit, splitting batches of large readings', async () => {
    const broker = await brokerWithCleanup();
    const spool = await openSpool(await mkdtemp(join(tmpdir(), 'rpm-pub-')));
    startPublisher(spool, broker.port, {
      publish: { batchSize: 500, maxInFlight: 8, streamWindowMs: 20, encoding: 'series' },
    });
    // Heart rate with 64 RR intervals each: about 800 bytes of JSON, 500 of them over 256 KiB.
    const rr = Array.from({ length: 64 }, (_, i) => 800.0625 + i);
    const large = Array.from({ length: 1500 }, (_, n) =>
      reading(n, { metric: 'heart_rate', unit: '/min', value: 70, context: { rrIntervalsMs: rr } }),
    );
    await appendAll(spool, large);
    await expect.poll(() => broker.acknowledged.length, POLL).toBe(1500);
    expect(idsOf(broker.acknowledged)).toEqual(idsOf(large));
    expect(Math.max(...broker.messages.map((m) => m.bytes))).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(Math.max(...broker.messages.map((m) => m.readings))).toBeLessThan(500);
  });

  it('loses nothing through a stall longer than the keepalive, whether or not the link is replaced', async () => {
    const { broker, publisher } = await stalledPublisher(1000, { keepaliveSeconds: 1 });
    await expect.poll(() => publisher.state().inFlightMessages, POLL).toBe(5);
    // aedes 1.2 stops reading a client that has several publishes held, PINGREQ included: the
    // client then drops the link after 1.5 keepalives, and sends its batches again on a new one.
    await sleep(2500);
    expect(publisher.state()).toMatchObject({ publishedReadings: 0, spooled: 1000 });

    broker.release();
    await expect.poll(() => publisher.state().spooled, POLL).toBe(0);
    // Held messages of a dropped link are stored too: duplicates at worst, never gaps.
    expect(new Set(idsOf(broker.acknowledged))).toEqual(new Set(idsOf(readings(0, 1000))));
  }, 60_000);

  it('connects over TLS to a broker whose certificate the configured CA file vouches for', async () => {
    const broker = await brokerWithCleanup({ tls: true });
    const dir = await mkdtemp(join(tmpdir(), 'rpm-pub-'));
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, TEST_CERT);
    const spool = await openSpool(join(dir, 'spool'));
    const url = `mqtts://127.0.0.1:${broker.port}`;
    startPublisher(spool, broker.port, { mqtt: { url, caFile } });
    await spool.append(readings(0, 10));
    await expect.poll(() => broker.acknowledged.length, POLL).toBe(10);

    expect(() =>
      startPublisher(spool, broker.port, { mqtt: { url, caFile: join(dir, 'missing.pem') } }),
    ).toThrow(new RegExp(`^RPM_MQTT_CA_FILE = "${join(dir, 'missing.pem')}": cannot read it`));
  });

  it('keeps the retained status and publishes it again after the broker lost it', async () => {
    const broker = await brokerWithCleanup();
    const spool = await openSpool(await mkdtemp(join(tmpdir(), 'rpm-pub-')));
    const publisher = startPublisher(spool, broker.port);
    await expect.poll(() => publisher.state().connected, POLL).toBe(true);
    const status: GatewayStatus = {
      gatewayId: GATEWAY,
      online: true,
      at: '2026-11-24T08:00:00.000Z',
      softwareVersion: '0.1.0',
      spooled: 0,
      devices: [],
    };
    expect(await publisher.publishStatus(status)).toBe('published');
    const before = await watchStatus(broker.port);
    await expect.poll(() => before.at(-1), POLL).toEqual({ status, retained: true });

    await broker.stop(); // an in-memory aedes forgets retained messages
    expect(await publisher.publishStatus(status)).toBe('deferred');
    await broker.start();
    const live = await watchStatus(broker.port);
    await expect.poll(() => live.at(-1)?.status, POLL).toEqual(status); // republished on connection
    const after = await watchStatus(broker.port);
    await expect.poll(() => after.at(-1), POLL).toEqual({ status, retained: true });

    await expect(publisher.publishStatus({ ...status, gatewayId: 'GW-OTHER' })).rejects.toThrow(
      'gateway GW-SPOOL cannot publish the status of gateway GW-OTHER',
    );
  }, 60_000);
});

describe('gateway publisher killed with SIGKILL', () => {
  const CHILD_BATCH = 20;

  /** A gateway process: spools readings in small appends while publishing, printing what is durable. */
  async function childScript(dir: string): Promise<string> {
    const gateway = resolve(import.meta.dirname, '../gateway');
    const file = join(dir, 'gateway-child.mjs');
    await writeFile(
      file,
      `import { createLogger } from '${gateway}/../common/log.ts';
import { ReadingSpool } from '${gateway}/spool/reading-spool.ts';
import { ReadingPublisher } from '${gateway}/reading-publisher.ts';
const [spoolDir, url, total] = process.argv.slice(2);
const log = createLogger('gateway', 'silent');
const spool = await ReadingSpool.open({ dir: spoolDir, maxBytes: 64 * 1024 * 1024, whenFull: 'refuse-new', log });
const publisher = ReadingPublisher.start({
  gatewayId: '${GATEWAY}', mqtt: { url }, publish: { batchSize: 100, maxInFlight: 4, streamWindowMs: 5, encoding: 'series' }, spool, log,
});
await publisher.publishStatus({ gatewayId: '${GATEWAY}', online: true, devices: [] });
for (let n = 0; n < Number(total); n += ${CHILD_BATCH}) {
  await spool.append(Array.from({ length: ${CHILD_BATCH} }, (_, i) => ({
    id: 'ox-1:spo2:' + (n + i), patientId: 'P300', deviceId: 'ox-1', metric: 'spo2',
    value: 90 + ((n + i) % 10), unit: '%', time: new Date(${START} + (n + i) * 1000).toISOString(),
  })));
  process.stdout.write('durable ' + (n + ${CHILD_BATCH}) + '\\n');
  await new Promise((r) => setTimeout(r, 1));
}
process.stdout.write('all appended\\n');
setInterval(() => {}, 1000);
`,
    );
    return file;
  }

  it('loses nothing: every durable reading arrives, and the ids received are exactly those spooled', async () => {
    const broker = await brokerWithCleanup();
    const statuses = await watchStatus(broker.port);
    const dir = await mkdtemp(join(tmpdir(), 'rpm-kill-'));
    const spoolDir = join(dir, 'spool');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', await childScript(dir), spoolDir, `mqtt://127.0.0.1:${broker.port}`, '20000'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let durable = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (const m of chunk.toString().matchAll(/durable (\d+)/g)) durable = Math.max(durable, Number(m[1]));
    });
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.once('exit', (_code, signal) => done(signal)),
    );
    cleanups.push(async () => child.kill('SIGKILL'));

    await expect.poll(() => statuses.some((s) => s.status.online), POLL).toBe(true);
    // Mid-stream: still appending, some batches acknowledged, others in flight.
    await expect.poll(() => durable >= 3000 && broker.acknowledged.length >= 1000, POLL).toBe(true);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const confirmed = durable;
    expect(confirmed).toBeLessThan(20000);

    // The last will: the broker saw the connection drop without DISCONNECT.
    await expect
      .poll(() => statuses.at(-1)?.status, POLL)
      .toEqual({
        gatewayId: GATEWAY,
        online: false,
        devices: [],
      });

    const spool = await openSpool(spoolDir);
    startPublisher(spool, broker.port);
    await expect.poll(() => spool.pending, POLL).toBe(0);
    const received = new Set(idsOf(broker.acknowledged));
    // Exactly a prefix of what the child appended: every reading it saw durable, plus possibly the
    // append in progress at the kill (on disk, its confirmation not yet printed). No holes.
    expect(received.size).toBeGreaterThanOrEqual(confirmed);
    expect(received.size).toBeLessThanOrEqual(confirmed + CHILD_BATCH);
    expect(received).toEqual(new Set(idsOf(readings(0, received.size))));
    // Sent twice at most: the acknowledgements not yet in the cursor file (500 by default) and
    // the batches in flight (4 x 100), plus the few acknowledged while the last cursor write ran.
    expect(broker.acknowledged.length - received.size).toBeLessThanOrEqual(1000);
  }, 60_000);
});

describe('gateway publisher with the real server', () => {
  it('logs readings the server refuses by id and reason, without their values, and does not resend them', async () => {
    const server = await startTestServer(uniqueDatabase('gateway_publisher'));
    cleanups.push(() => server.close());
    const secret = await registerGateway(server.records, GATEWAY, ['P300']);
    const lines: ({ msg: string } & Record<string, unknown>)[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const spool = await ReadingSpool.open({
      dir: await mkdtemp(join(tmpdir(), 'rpm-pub-')),
      maxBytes: 1024 * 1024,
      whenFull: 'drop-oldest',
      log,
    });
    const publisher = startPublisher(spool, server.mqttPort ?? 0, {
      mqtt: { url: `mqtt://127.0.0.1:${server.mqttPort}`, username: GATEWAY, password: secret },
      log,
    });
    const refused: RejectionMessage[] = [];
    publisher.on('refused', (rejection) => refused.push(rejection));
    await spool.append([reading(1), reading(2, { value: 101 }), reading(3)]); // 101 % is outside SpO2 limits
    await expect.poll(() => publisher.state().refusedReadings, POLL).toBe(1);
    await expect.poll(() => publisher.state().spooled, POLL).toBe(0);
    expect(refused.flatMap((r) => r.readings.map((x) => [x.readingId, x.reason]))).toEqual([
      ['ox-1:spo2:2', 'out_of_range'],
    ]);
    const stored = await server.influx.query("SELECT value FROM spo2 WHERE patient = 'P300'");
    expect(stored.map((r) => r.value)).toEqual([91, 93]);

    const refusal = lines.find((l) => l.msg === 'the server refused a reading');
    expect(refusal).toMatchObject({ gatewayId: GATEWAY, readingId: 'ox-1:spo2:2', reason: 'out_of_range' });
    expect(JSON.stringify(refusal)).not.toContain('101 %'); // the server's detail quotes the value
    await publisher.close();
    // Refused once: acknowledged with its batch, never sent again.
    const deadLetters = await server.influx.query("SELECT ref FROM dead_letter WHERE ref = 'ox-1:spo2:2'");
    expect(deadLetters).toHaveLength(1);
  }, 60_000);

  it("stores a meter's LO and a 45 % SpO2 as the gateway sends them: reliable readings the alerts act on", async () => {
    const server = await startTestServer(uniqueDatabase('gateway_publisher_lo'));
    cleanups.push(() => server.close());
    const secret = await registerGateway(server.records, GATEWAY, ['P300']);
    const spool = await ReadingSpool.open({
      dir: await mkdtemp(join(tmpdir(), 'rpm-pub-')),
      maxBytes: 1024 * 1024,
      whenFull: 'drop-oldest',
      log: silent,
    });
    const publisher = startPublisher(spool, server.mqttPort ?? 0, {
      mqtt: { url: `mqtt://127.0.0.1:${server.mqttPort}`, username: GATEWAY, password: secret },
    });
    const source = {
      patientId: 'P300',
      deviceId: 'meter-1',
      receivedAt: new Date(),
      timeZone: 'Asia/Karachi',
    };
    // Record 1, 2026-11-24 08:00 Karachi, concentration -INFINITY (the meter's "LO"), capillary blood, finger.
    const lo = decodeGlucoseMeasurement(hexBytes('02 01 00 ea 07 0b 18 08 00 00 02 08 11'));
    if (!lo.ok) throw new Error(lo.error.message);
    await spool.append([...glucoseMeterReadings(lo.value, source).readings, reading(1, { value: 45 })]);
    await expect.poll(() => publisher.state().spooled, POLL).toBe(0);
    expect(publisher.state().refusedReadings).toBe(0);
    const glucose = await server.influx.query(
      "SELECT value, flags, reliable FROM glucose WHERE patient = 'P300'",
    );
    expect(glucose.map((r) => [r.value, r.flags, r.reliable])).toEqual([
      [10, 'result_below_device_range', true],
    ]);
    const spo2 = await server.influx.query("SELECT value, reliable FROM spo2 WHERE patient = 'P300'");
    expect(spo2.map((r) => [r.value, r.reliable])).toEqual([[45, true]]);
    await publisher.close();
  }, 60_000);
});
