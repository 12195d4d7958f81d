import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('..', import.meta.url));

/** Runs the command as support staff would, via node + tsx; resolves with its exit code and output. */
async function decodeCommand(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'gateway/decode-command.ts', ...args],
      {
        cwd: REPO,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('decode command', () => {
  it('prints a heart-rate packet as JSON and exits 0', async () => {
    const result = await decodeCommand('2a37', '06 48');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      heartRate: 72,
      heartRateFormat: 'uint8',
      sensorContact: 'detected',
      rrIntervals: [],
    });
  });

  it('accepts the 128-bit UUID, upper case and hex without spaces', async () => {
    const result = await decodeCommand('00002A37-0000-1000-8000-00805F9B34FB', '1048000400');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Heart Rate Measurement: truncated at offset 4: expected 2 bytes for RR interval, got 1\nbytes: 10 48 00 04 00\n',
    );
  });

  it('explains a truncated glucose record with its bytes and exits 1', async () => {
    const result = await decodeCommand('2a18', '02 01 00 ea 07 0b 18 08 00 00 64');
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Glucose Measurement: truncated at offset 10: expected 2 bytes for concentration, got 1\n' +
        'bytes: 02 01 00 ea 07 0b 18 08 00 00 64\n',
    });
  });

  it('checks the CGM E2E-CRC when told the sensor has it', async () => {
    const result = await decodeCommand('2aa7', '08 00 78 00 1e 00 34 99', '--e2e-crc');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      records: [{ timeOffsetMinutes: 30 }],
      rejectedRecords: [],
    });
  });

  it('lists the known characteristics for an unknown UUID or bad hex, exit 2', async () => {
    const unknown = await decodeCommand('2a99', '00');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown characteristic '2a99'");
    expect(unknown.stderr).toContain('2a37  Heart Rate Measurement');
    const badHex = await decodeCommand('2a37', '0g 48');
    expect(badHex.code).toBe(2);
    expect(badHex.stderr).toContain("'0g 48' is not an even number of hex digits");
  });
});
