import { HttpError } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { classifyWriteFailure } from './influx-write-failure.ts';

// Bodies as Debian's influxd 1.6.7 answers /write (measured on this machine).
const answer = (status: number, error: string) => new HttpError(status, 'x', JSON.stringify({ error }));
const tokenSettings = { database: 'rpm', token: 'wrong-token' };
const userSettings = { database: 'rpm', username: 'rpm' };

describe('what a failed InfluxDB write means for the readings in it', () => {
  it.each([
    [400, 'unable to parse'],
    [400, 'partial write: field type conflict'],
    [422, 'partial write: field type conflict'],
  ])('a %i (%s) refuses the content: dead-letter the refused lines', (status, error) => {
    expect(classifyWriteFailure(answer(status, error), tokenSettings)).toEqual({
      kind: 'content',
      detail: `InfluxDB ${status}: ${error}`,
    });
  });

  it('a 413 asks for smaller batches', () => {
    expect(classifyWriteFailure(answer(413, 'Request Entity Too Large'), tokenSettings).kind).toBe(
      'too_large',
    );
  });

  it.each([
    [401, 'authorization failed', tokenSettings, /refuses our credentials .*check RPM_INFLUX_TOKEN$/],
    [
      401,
      'authorization failed',
      userSettings,
      /refuses our credentials .*check RPM_INFLUX_USERNAME and RPM_INFLUX_PASSWORD$/,
    ],
    [
      401,
      'unable to parse authentication credentials',
      { database: 'rpm' },
      /check RPM_INFLUX_TOKEN \(2\.x, 3\.x, Cloud\) or RPM_INFLUX_USERNAME and RPM_INFLUX_PASSWORD \(1\.x\)$/,
    ],
    [
      403,
      '"rpm" user is not authorized to write to database "rpm"',
      userSettings,
      /write to database 'rpm' \(403.*RPM_INFLUX_USERNAME/,
    ],
    [404, 'database not found: "rpm"', tokenSettings, /no database 'rpm' \(404.*check RPM_INFLUX_DATABASE/],
    [
      500,
      'retention policy not found: weekly',
      { database: 'rpm', retentionPolicy: 'weekly' },
      /no retention policy 'weekly' .*check RPM_INFLUX_RETENTION_POLICY$/,
    ],
  ] as const)(
    'a %i (%s) is our configuration: retried, and the setting named',
    (status, error, settings, reason) => {
      const failure = classifyWriteFailure(answer(status, error), settings);
      expect(failure).toMatchObject({ kind: 'outage', misconfigured: true });
      expect(failure.kind === 'outage' && failure.reason).toMatch(reason);
    },
  );

  it.each([
    [429, 'too many requests'],
    [500, 'timeout'],
    [503, 'engine: cache-max-memory-size exceeded'],
  ])('a %i (%s) is an outage: retried', (status, error) => {
    expect(classifyWriteFailure(answer(status, error), tokenSettings)).toMatchObject({
      kind: 'outage',
      misconfigured: false,
    });
  });

  it('a network failure is an outage: retried', () => {
    expect(
      classifyWriteFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8086')), tokenSettings),
    ).toEqual({
      kind: 'outage',
      reason: 'InfluxDB unreachable: connect ECONNREFUSED 127.0.0.1:8086',
      misconfigured: false,
    });
  });
});
