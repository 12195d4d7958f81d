import { describe, expect, it } from 'vitest';
import { ConfigError } from '../common/config.ts';
import { loadServerConfig } from './config.ts';

const minimal = { RPM_INFLUX_URL: 'http://127.0.0.1:8086' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadServerConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('configuration was accepted');
}

describe('server configuration', () => {
  it('starts from defaults with only the InfluxDB URL set', () => {
    const config = loadServerConfig(minimal);
    expect(config.mqtt.broker).toBe('embedded');
    expect(config.mqtt.port).toBe(1883);
    expect(config.http.port).toBe(8080);
    expect(config.influx.database).toBe('rpm');
  });

  it('reads numbers and booleans from environment strings', () => {
    const config = loadServerConfig({ ...minimal, RPM_HTTP_PORT: '0', RPM_INFLUX_CREATE_DATABASE: 'false' });
    expect(config.http.port).toBe(0);
    expect(config.influx.createDatabase).toBe(false);
  });

  it('trusts a reverse proxy by address or range, never every hop nor a hop count', () => {
    const trust = (value: string) =>
      loadServerConfig({ ...minimal, RPM_HTTP_TRUST_PROXY: value }).http.trustProxy;
    expect(trust('false')).toBe(false);
    expect(trust('127.0.0.1')).toEqual(['127.0.0.1']);
    expect(trust('10.0.0.5, 10.1.0.0/16,::1')).toEqual(['10.0.0.5', '10.1.0.0/16', '::1']);
    expect(() => trust('2')).toThrow(/RPM_HTTP_TRUST_PROXY/); // a hop count cannot check the nearest peer
    expect(() => trust('true')).toThrow(/RPM_HTTP_TRUST_PROXY.*not true/s);
    expect(() => trust('10.0.0.0/33')).toThrow(
      /RPM_HTTP_TRUST_PROXY = "10\.0\.0\.0\/33": expected false, or the proxy address/,
    );
    expect(() => trust('proxy.local')).toThrow(/RPM_HTTP_TRUST_PROXY/);
    expect(() => trust('0.0.0.0/0')).toThrow(/RPM_HTTP_TRUST_PROXY/);
    expect(() => trust('::/0')).toThrow(/RPM_HTTP_TRUST_PROXY/);
  });

  it("refuses .env.example's placeholder admin password in production, and names the setting", () => {
    const withAdmin = {
      ...minimal,
      RPM_ADMIN_USERNAME: 'admin',
      RPM_ADMIN_PASSWORD: 'change-me-long-password',
    };
    expect(() => loadServerConfig(withAdmin)).toThrow(
      "RPM_ADMIN_PASSWORD = (hidden): is the example value from .env.example; choose the clinic's own",
    );
    expect(loadServerConfig({ ...withAdmin, RPM_MODE: 'demo' }).admin.username).toBe('admin');
  });

  it('names the missing InfluxDB URL', () => {
    expect(problemsOf({})).toEqual([
      expect.stringMatching(/^RPM_INFLUX_URL is not set: expected the InfluxDB base URL/),
    ]);
  });

  it('names a malformed port with its value and what is expected', () => {
    expect(problemsOf({ ...minimal, RPM_HTTP_PORT: '80eighty' })).toEqual([
      'RPM_HTTP_PORT = "80eighty": expected a TCP port number (0-65535)',
    ]);
  });

  it('requires the broker URL in external mode', () => {
    expect(problemsOf({ ...minimal, RPM_MQTT_BROKER: 'external' })).toEqual([
      'RPM_MQTT_URL is not set: required when RPM_MQTT_BROKER=external',
    ]);
  });

  it('rejects an unknown broker mode and lists every problem at once', () => {
    const problems = problemsOf({ ...minimal, RPM_MQTT_BROKER: 'mosquito', RPM_INFLUX_URL: 'influx:8086' });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toContain('RPM_MQTT_BROKER = "mosquito"');
    expect(problems.join('\n')).toContain('RPM_INFLUX_URL = "influx:8086"');
  });

  it('never prints a secret back', () => {
    const problems = problemsOf({
      ...minimal,
      RPM_NOTIFY_WEBHOOK_URL: 'https://hooks.example.org/x',
      RPM_NOTIFY_WEBHOOK_SECRET: 'short',
    });
    expect(problems).toEqual(['RPM_NOTIFY_WEBHOOK_SECRET = (hidden): expected at least 16 characters']);
  });

  it('names the setting in the configuration file when it came from there', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'rpm-config-')), 'server.json');
    writeFileSync(file, JSON.stringify({ influx: { url: 'http://127.0.0.1:8086', batchSize: -3 } }));
    expect(problemsOf({ RPM_CONFIG: file })).toEqual([
      `influx.batchSize in ${file} = -3: expected a positive whole number`,
    ]);
  });
});
