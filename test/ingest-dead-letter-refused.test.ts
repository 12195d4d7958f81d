/**
 * A refused reading is acknowledged only once its dead letter is stored: if InfluxDB
 * refuses the dead letter too, the message stays unacknowledged and the gateway keeps it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../common/contract.ts';
import type { InfluxConnection } from '../ingest/influx-connection.ts';
import { MEASUREMENT } from '../ingest/influx-schema.ts';
import type { RunningServer } from '../server/start-server.ts';
import {
  connectGateway,
  influxFor,
  oximeterReading,
  registerGateway,
  startTestServer,
  uniqueDatabase,
} from './helpers.ts';

const reading = (n: number, value: number) =>
  oximeterReading(n, { start: Date.UTC(2026, 10, 25, 7), patientId: 'P-DL', value });

describe('a dead letter InfluxDB refuses', () => {
  let server: RunningServer;
  let influx: InfluxConnection;

  beforeAll(async () => {
    const database = uniqueDatabase('dead_letter_refused');
    influx = await influxFor(database);
    server = await startTestServer(database);
    // An integer `detail` in the current shard: every string `detail` written there now is a
    // field type conflict, which InfluxDB refuses with 400.
    const api = influx.createWriteApi({ lines: 1 });
    api.writeRecord(`${MEASUREMENT.deadLetter},gateway=other,reason=test detail=1i ${Date.now()}`);
    await api.close();
  });
  afterAll(() => server?.close());

  it('leaves the message unacknowledged', async () => {
    const secret = await registerGateway(server.records, 'GW-DL', ['P-DL']);
    const gateway = await connectGateway(server.mqttPort, 'GW-DL', secret);
    let acknowledged = false;
    const closed = new Promise<void>((resolve) => gateway.once('close', () => resolve()));
    const publishing = gateway
      .publishAsync(
        topics.readings('GW-DL'),
        JSON.stringify({
          gatewayId: 'GW-DL',
          sentAt: new Date().toISOString(),
          readings: [reading(1, 97), reading(2, 101)],
        }),
        { qos: 1 },
      )
      .then(
        () => {
          acknowledged = true;
        },
        () => {},
      );
    // The broker drops the connection instead of acknowledging.
    await Promise.race([closed, publishing]);
    expect(acknowledged).toBe(false);
    // The valid reading is stored (storage is idempotent, so the resend is harmless), and
    // nothing but the planted point is in the dead letters.
    expect(await influx.query("SELECT value FROM spo2 WHERE patient = 'P-DL'")).toMatchObject([
      { value: 97 },
    ]);
    expect(await influx.query(`SELECT detail FROM ${MEASUREMENT.deadLetter}`)).toMatchObject([{ detail: 1 }]);
    gateway.end(true);
    await publishing;
  });
});
