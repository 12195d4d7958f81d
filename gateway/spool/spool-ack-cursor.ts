/**
 * The spool's acknowledgement cursor on disk: `acked.json`, `{"ackedThrough": <seq>}`, meaning
 * every reading numbered up to and including `ackedThrough` was acknowledged by the broker (or
 * dropped by the size bound). Replaced atomically: write a temporary file, fsync it, rename it
 * over the old one, fsync the directory. A missing or unreadable cursor reads as 0: every
 * reading still on disk is sent again (the server de-duplicates), none is lost.
 */
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../common/log.ts';

export const ACK_CURSOR_FILE = 'acked.json';

const AckCursor = z.strictObject({ ackedThrough: z.number().int().nonnegative() });

/** fsync a directory, so that files created, renamed or deleted in it stay so after power loss. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function readAckCursor(dir: string, log: Logger): Promise<number> {
  const file = join(dir, ACK_CURSOR_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const cursor = AckCursor.safeParse(json);
  if (cursor.success) return cursor.data.ackedThrough;
  log.error({ file }, 'spool acknowledgement cursor unreadable: every spooled reading will be sent again');
  return 0;
}

export async function writeAckCursor(dir: string, ackedThrough: number): Promise<void> {
  const file = join(dir, ACK_CURSOR_FILE);
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(JSON.stringify(AckCursor.parse({ ackedThrough })));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  await syncDirectory(dir);
}
