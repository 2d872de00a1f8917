// Canonical JSON: one byte string per value, so an entry's hash is a function of its meaning.
// Object keys are sorted by UTF-16 code units (as RFC 8785 JCS), there is no whitespace, and
// the only numbers allowed are safe integers: amounts travel as decimal strings and bytes as
// hex, so no value ever depends on floating-point formatting.
import { AuditError } from './errors.ts';

/** A JSON value that has exactly one canonical encoding. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Encodes `value` canonically; throws NON_CANONICAL for floats, non-plain objects or undefined. */
export function canonicalJson(value: unknown): string {
  return encode(value, '$');
}

function encode(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new AuditError(
          'NON_CANONICAL',
          `${path}: only safe integers are allowed (got ${value}); use a decimal string for amounts`,
        );
      }
      return Object.is(value, -0) ? '0' : String(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += encode(value[i], `${path}[${i}]`);
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new AuditError('NON_CANONICAL', `${path}: only plain objects are allowed`);
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = obj[key];
        if (v === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += `${JSON.stringify(key)}:${encode(v, `${path}.${key}`)}`;
      }
      return `${out}}`;
    }
    default:
      throw new AuditError('NON_CANONICAL', `${path}: ${typeof value} cannot be encoded as canonical JSON`);
  }
}
