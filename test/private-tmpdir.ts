/**
 * Every test run gets one temporary directory of its own, and everything the tests and the
 * processes they start write under `os.tmpdir()` (server data, spools, PostgreSQL and
 * Mosquitto directories) goes there; it is removed when the run ends. Without this, each run
 * left about 2 GB behind, and a machine that runs the tests daily filled its disk.
 *
 * Set for every project; the first project's setup makes the directory and the others share it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MARK = 'RPM_TEST_TMPDIR';

export default function setup(): (() => void) | undefined {
  if (process.env[MARK]) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'rpm-tests-'));
  // As /tmp itself: the PostgreSQL of the tests runs as the `postgres` user and must reach its directory.
  chmodSync(dir, 0o1777);
  process.env[MARK] = dir;
  process.env.TMPDIR = dir;
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
