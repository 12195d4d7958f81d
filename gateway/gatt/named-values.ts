/**
 * Spec tables as data: a bit table maps a name to its bit number, a code table maps a
 * name to its enumerated value. Decoders read names from them, encoders write values.
 */

/** name -> bit number (0 = least significant). */
export type BitTable = Readonly<Record<string, number>>;
/** name -> enumerated value. */
export type CodeTable = Readonly<Record<string, number>>;

export type NameOf<T> = keyof T & string;

function entries<T extends BitTable | CodeTable>(table: T): [NameOf<T>, number][] {
  return Object.entries(table) as [NameOf<T>, number][];
}

/** The names of the bits set in `value`, in table order. */
export function bitNames<T extends BitTable>(table: T, value: number): NameOf<T>[] {
  return entries(table)
    .filter(([, bit]) => (value >>> bit) & 1)
    .map(([name]) => name);
}

export function bitsOf<T extends BitTable>(table: T, names: readonly NameOf<T>[]): number {
  return names.reduce((bits, name) => (bits | (2 ** (table[name] ?? 0))) >>> 0, 0);
}

/** Every bit the table defines. */
export function definedBits(table: BitTable): number {
  return bitsOf(table, Object.keys(table));
}

export function nameOfCode<T extends CodeTable>(table: T, code: number): NameOf<T> | undefined {
  return entries(table).find(([, value]) => value === code)?.[0];
}

export function hex(value: number, digits: number): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}
