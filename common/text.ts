/**
 * Text from outside (MQTT payloads, HTTP bodies, configuration) is refused when it holds a
 * character that cannot be stored or shown safely: NUL and the other C0 control characters
 * but tab, line feed and carriage return, DEL and the C1 controls, and lone UTF-16
 * surrogates (half a character: PostgreSQL refuses them, and a NUL in a reading id once
 * stopped every alert). One rule, in one place: every string schema of the contract and
 * the records is `text()`, and the refusal names the field (zod's path) and the character.
 */
import { z } from 'zod';

/** What is wrong with `value` ("a NUL character (U+0000) at character 3"), or undefined. */
export function unsafeCharacter(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const at = `at character ${i + 1}`;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `half of a character (lone surrogate U+${hex(code)}) ${at}`;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return `half of a character (lone surrogate U+${hex(code)}) ${at}`;
    if (code === 0) return `a NUL character (U+0000) ${at}`;
    const control =
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f);
    if (control) return `a control character (U+${hex(code)}) ${at}`;
  }
  return undefined;
}

const hex = (code: number) => code.toString(16).toUpperCase().padStart(4, '0');

/**
 * `value` with every unsafe character written as its escape (`\u0000`): for keeping and
 * showing what was refused (a dead letter's payload, a reason quoting a bad key) without
 * storing the character itself.
 */
export function printable(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const pair = value.slice(i, i + 2);
    if (
      pair.length === 2 &&
      unsafeCharacter(pair) === undefined &&
      pair.codePointAt(0) !== pair.charCodeAt(0)
    ) {
      out += pair; // a whole character beyond U+FFFF (an emoji)
      i++;
    } else {
      const char = value[i] ?? '';
      out += unsafeCharacter(char) ? `\\u${hex(char.charCodeAt(0)).toLowerCase()}` : char;
    }
  }
  return out;
}

/** A string that may hold any text a person or device sends, and nothing unsafe (see above). */
export function text(): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    const problem = unsafeCharacter(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `contains ${problem}` });
  });
}
