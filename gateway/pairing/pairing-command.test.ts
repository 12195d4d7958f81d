import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/private-influxd.ts';
import { runPairingCommand } from './pairing-command.ts';

/** A gateway configuration in virtual mode, whose pairing page nobody serves: the command works alone. */
async function settings(): Promise<NodeJS.ProcessEnv> {
  return {
    RPM_GATEWAY_ID: 'gw-cli',
    RPM_PATIENT_IDS: 'P-1,P-2',
    RPM_BLE_MODE: 'virtual',
    RPM_VIRTUAL_HOUSEHOLD: 'P-1=heart',
    RPM_TIME_ZONE: 'Asia/Karachi',
    RPM_MQTT_URL: `mqtt://127.0.0.1:${await freePort()}`,
    RPM_DATA_DIR: await mkdtemp(join(tmpdir(), 'rpm-cli-')),
    RPM_HTTP_HOST: '127.0.0.1',
    RPM_HTTP_PORT: String(await freePort()), // nothing answers there: the gateway is not running
  };
}

describe('pairing command without a running gateway', () => {
  it('scans, pairs, lists and unpairs against the adapter and the data dir', async () => {
    const env = await settings();
    const scan = await runPairingCommand(['scan', '2'], env);
    expect(scan.exitCode).toBe(0);
    const line =
      /^ {2}(Heart-rate strap|Pulse oximeter) +\S.* ([0-9a-f]{12}) +[▂▄▆█_]{4} -\d+ dBm +not paired$/gm;
    const heard = [...scan.stdout.matchAll(line)];
    expect(heard.map((m) => m[1])).toEqual(['Heart-rate strap', 'Pulse oximeter']);
    const strap = heard[0]?.[2] ?? '';
    const address = strap.replace(/(..)(?!$)/g, '$1:').toUpperCase();

    const paired = await runPairingCommand(['pair', address, 'P-2'], env);
    expect(paired).toMatchObject({ exitCode: 0, stderr: '' });
    expect(paired.stdout).toMatch(
      new RegExp(`^Paired: Heart-rate strap PulseBand H2 [0-9A-F]{4} \\(${strap}\\) to patient P-2\\n$`),
    );
    const list = await runPairingCommand(['list'], env);
    expect(list.stdout).toMatch(
      new RegExp(
        `^Devices paired with gateway gw-cli \\(patients P-1, P-2\\):\\n {2}Heart-rate strap .* ${strap} +patient P-2 +last seen never +battery \\? +last reading never\\n$`,
      ),
    );

    expect(await runPairingCommand(['unpair', strap], env)).toMatchObject({ exitCode: 0 });
    expect((await runPairingCommand(['list'], env)).stdout).toContain('  none');
  });

  it('refuses a patient of another gateway, a device not nearby and a stranger to unpair, with the reason', async () => {
    const env = await settings();
    expect(await runPairingCommand(['pair', 'c0ffee000001', 'P-9'], env)).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: "patient P-9 is not one of this gateway's patients (P-1, P-2)\n",
    });
    expect(await runPairingCommand(['pair', 'c0ffee000001', 'P-1'], env)).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'device c0ffee000001 was not heard nearby: switch it on, keep it close and try again\n',
    });
    expect(await runPairingCommand(['unpair', 'c0ffee000001'], env)).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'device c0ffee000001: not paired with this gateway\n',
    });
  });

  it('explains its usage and wrong settings with exit code 2', async () => {
    const usage = await runPairingCommand(['pair', 'only-one-argument'], await settings());
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('pairing-command pair <device id or address> <patient id>');
    const unset = await runPairingCommand(['list'], {
      RPM_GATEWAY_ID: 'gw-cli',
      RPM_MQTT_URL: 'mqtt://host:1883',
    });
    expect(unset.exitCode).toBe(2);
    expect(unset.stderr).toContain('RPM_PATIENT_IDS is not set: expected patient ids separated by commas');
  });
});
