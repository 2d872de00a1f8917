// Canonical JSON (RFC 8785-like): object keys sorted by UTF-16 code units, no whitespace, strings
// escaped as JSON.stringify does (which matches RFC 8785 §3.2.2.2). Cairn's signed values never
// contain floats: numbers must be safe integers, bigints are written as decimal strings, so a
// value has exactly one encoding and never loses precision (ARCHITECTURE §2, rule 2).
import { PolicyError } from './errors.ts';

export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | bigint
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

/** Encodes `value` canonically. Throws NON_CANONICAL for floats, NaN, non-plain objects. */
export function canonicalJson(value: unknown): string {
  return encode(value, '$');
}

function encode(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new PolicyError(
          'NON_CANONICAL',
          `${path}: ${value} is not a safe integer (no floats in signed data)`,
        );
      }
      return Object.is(value, -0) ? '0' : String(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v, i) => encode(v, `${path}[${i}]`)).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new PolicyError('NON_CANONICAL', `${path}: only plain objects can be encoded`);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(record[k], `${path}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new PolicyError('NON_CANONICAL', `${path}: ${typeof value} cannot be encoded`);
  }
}
