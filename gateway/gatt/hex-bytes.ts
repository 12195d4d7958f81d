/** Hex text <-> bytes, for the decode command and readable test fixtures ("06 48", "0648", "06:48"). */

export class HexParseError extends Error {
  constructor(readonly text: string) {
    super(`'${text}' is not an even number of hex digits`);
    this.name = 'HexParseError';
  }
}

export function hexBytes(text: string): Uint8Array {
  const compact = text.replace(/0x/gi, '').replace(/[\s:,-]/g, '');
  if (compact.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(compact)) throw new HexParseError(text);
  return Uint8Array.from(compact.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export function formatHexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
