/**
 * What NIST SP 800-63B (§5.1.1.2) asks a verifier to refuse in a chosen password, besides a
 * length of at least 8 (we ask 12) and no composition rules: values known to be commonly
 * used or breached, repetitive or sequential characters, and context-specific words (the
 * user's own name). The list of common and breached passwords is zxcvbn-ts's (about 49,000
 * entries), a maintained package rather than a list copied here.
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import type { z } from 'zod';

const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** Every character one step after the one before it (`abcdefgh`, `987654`), either way. */
function isSequence(text: string): boolean {
  const codes = [...text].map((c) => c.codePointAt(0) ?? 0);
  const steps = new Set(codes.slice(1).map((code, i) => code - (codes[i] ?? 0)));
  return steps.size === 1 && (steps.has(1) || steps.has(-1));
}

/** Why a password is refused, or undefined when it may be used. `userId`: the account's own name. */
export function passwordProblem(password: string, userId?: string): string | undefined {
  const lower = password.toLowerCase();
  if (password.trim() === '') return 'is only spaces';
  if (new Set(lower).size <= 2) return 'repeats one or two characters';
  if (isSequence(lower)) return 'is a sequence of characters';
  if (COMMON.has(lower)) return 'is one of the most common passwords, found in breaches';
  if (userId && lower.includes(userId.toLowerCase())) return 'contains the user name';
  return undefined;
}

/** The policy as a zod refinement of a password field (records and configuration alike). */
export function refusePoorPassword(password: string, ctx: z.RefinementCtx): void {
  const problem = passwordProblem(password);
  if (problem) ctx.addIssue({ code: 'custom', message: `this password ${problem}: choose another` });
}
