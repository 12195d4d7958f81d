import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { printable, text, unsafeCharacter } from './text.ts';

describe('text from outside', () => {
  it.each([
    ['dev-1:heart_rate:1795500000000', undefined],
    ['Ghulam Mustafa', undefined],
    ['غلام مصطفیٰ', undefined], // Urdu
    ['Called him 😀\n\tre-seated\r\n', undefined], // an emoji is a surrogate pair; tabs and line breaks are text
    ['r-1\u0000', 'a NUL character (U+0000) at character 4'],
    ['\ud800x', 'half of a character (lone surrogate U+D800) at character 1'],
    ['x\udc00', 'half of a character (lone surrogate U+DC00) at character 2'],
    ['bell\u0007', 'a control character (U+0007) at character 5'],
    ['del\u007f', 'a control character (U+007F) at character 4'],
    ['c1\u0085', 'a control character (U+0085) at character 3'],
  ])('%j: %s', (value, problem) => {
    expect(unsafeCharacter(value)).toBe(problem);
  });

  it('writes unsafe characters as escapes for keeping what was refused, whole characters as they are', () => {
    expect(printable('id\u0000\ud800x\u0007 😀 غلام\n')).toBe('id\\u0000\\ud800x\\u0007 😀 غلام\n');
  });

  it('refuses it naming the field, and keeps the other checks', () => {
    const schema = z.object({ note: text().max(5) });
    const refused = schema.safeParse({ note: 'a\u0000' });
    expect(refused.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['note', 'contains a NUL character (U+0000) at character 2'],
    ]);
    expect(schema.safeParse({ note: 'toolong' }).success).toBe(false);
  });
});
