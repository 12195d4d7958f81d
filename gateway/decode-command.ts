/**
 * Support tool: decode one characteristic value by hand.
 *
 *   npm run decode -- 2a37 "06 48"
 *   npm run decode -- 00002aa7-0000-1000-8000-00805f9b34fb "08 00 78 00 1e 00 34 99" --e2e-crc
 *
 * Prints the decoded value as JSON on stdout (exit 0), or why it was rejected, with the
 * bytes, on stderr (exit 1). An unknown UUID or unreadable hex exits 2 with the list of
 * known characteristics. `--e2e-crc`: the CGM sensor's CGM Feature announces E2E-CRC.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatHexBytes, HexParseError, hexBytes } from './gatt/hex-bytes.ts';
import { CHARACTERISTICS, lookupCharacteristic } from './profiles/registry.ts';

interface CommandResult {
  exitCode: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

const USAGE = 'usage: npm run decode -- <characteristic uuid> "<hex bytes>" [--e2e-crc]';

function knownList(): string {
  return Object.entries(CHARACTERISTICS)
    .map(
      ([uuid, entry]) =>
        `  ${uuid}  ${entry.name}${entry.options.length ? ' (--e2e-crc if the CGM has E2E-CRC)' : ''}`,
    )
    .join('\n');
}

function usageError(problem: string): CommandResult {
  return {
    exitCode: 2,
    stdout: '',
    stderr: `${problem}\n${USAGE}\nknown characteristics:\n${knownList()}\n`,
  };
}

function runDecodeCommand(args: readonly string[]): CommandResult {
  const e2eCrc = args.includes('--e2e-crc');
  const [uuid, ...hexParts] = args.filter((arg) => arg !== '--e2e-crc');
  if (uuid === undefined || hexParts.length === 0) return usageError('missing arguments');
  const characteristic = lookupCharacteristic(uuid);
  if (!characteristic) return usageError(`unknown characteristic '${uuid}'`);
  let bytes: Uint8Array;
  try {
    bytes = hexBytes(hexParts.join(' '));
  } catch (err) {
    if (err instanceof HexParseError) return usageError(err.message);
    throw err;
  }
  if (bytes.length === 0) return usageError('no bytes given');
  const decoded = characteristic.decode(bytes, { cgmE2eCrc: e2eCrc });
  if (!decoded.ok) {
    return { exitCode: 1, stdout: '', stderr: `${decoded.error.message}\nbytes: ${formatHexBytes(bytes)}\n` };
  }
  return { exitCode: 0, stdout: `${JSON.stringify(decoded.value, null, 2)}\n`, stderr: '' };
}

const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const result = runDecodeCommand(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}
