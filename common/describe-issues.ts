/**
 * What zod refused, said once for everyone who reads it (an HTTP answer, a dead letter, a
 * command's error, a log): `field.path: message; ...`. Each path is under `root` when one
 * is given (`body.readings.0.value`; the whole value is wrong: `body`), else `(root)` for
 * the whole value. An unsafe character the message quotes from the input (a bad key) is
 * written as its escape, so the description can be stored and shown.
 */
import type { z } from 'zod';
import { printable } from './text.ts';

export type Issue = Pick<z.core.$ZodIssue, 'path' | 'message'>;

export function describeIssues(refused: z.ZodError | readonly Issue[], root?: string): string {
  const issues = 'issues' in refused ? refused.issues : refused;
  const where = (path: readonly PropertyKey[]) =>
    [root, ...path.map(String)].filter((part) => part !== undefined).join('.') || '(root)';
  return printable(issues.map((issue) => `${where(issue.path)}: ${issue.message}`).join('; '));
}
