// Canonical JSON for audit entries and export lines. The encoding is Cairn's shared one
// (@cairn/canonical: RFC 8785 key order, no whitespace, JSON.stringify string escaping, safe
// integers only, amounts as decimal strings), so an entry's hash is a function of its meaning.
//
// Audit entries are plain JSON (what JSON.parse returns), and the log encodes millions of them,
// so this module has a string-building encoder for exactly that subset — several times faster
// than the general one — and falls back to @cairn/canonical for anything else. The test suite
// checks that both produce identical bytes on random values.
import { CanonicalJsonError, canonicalize } from '@cairn/canonical';
import { AuditError } from './errors.ts';

/** A JSON value that has exactly one canonical encoding. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

class NotPlain extends Error {}

/** Encodes `value` canonically; throws NON_CANONICAL for floats, non-plain objects, undefined. */
export function canonicalJson(value: unknown): string {
  // Already sorted plain JSON (e.g. parsed from canonical text): the native encoder is exact.
  if (sortedAndSafe(value, 0)) return JSON.stringify(value);
  try {
    // A key-sorted copy written by the native encoder; integer-like keys (which JavaScript
    // enumerates first) make sortedCopy give up, and the string builder handles them.
    return JSON.stringify(sortedCopy(value, 0));
  } catch (error) {
    if (!(error instanceof NotPlain)) throw error;
  }
  try {
    return encode(value, 0);
  } catch (error) {
    if (!(error instanceof NotPlain)) throw error;
  }
  try {
    return canonicalize(value);
  } catch (error) {
    if (error instanceof CanonicalJsonError) throw new AuditError('NON_CANONICAL', error.message);
    throw error;
  }
}

const MAX_DEPTH = 128;
const INDEX_LIKE = /^(?:0|[1-9][0-9]*)$/;

function sortedCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw new NotPlain();
      return value;
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isSafeInteger(value)) throw new NotPlain();
      return value;
    case 'object': {
      if (value === null) return null;
      if (depth > MAX_DEPTH) throw new NotPlain();
      if (Array.isArray(value)) {
        const out = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          if (value[i] === undefined) throw new NotPlain();
          out[i] = sortedCopy(value[i], depth + 1);
        }
        return out;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) throw new NotPlain();
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      // Null prototype: a "__proto__" key stays an ordinary own property.
      const out: Record<string, unknown> = Object.create(null);
      for (const key of keys) {
        if (INDEX_LIKE.test(key) || !key.isWellFormed()) throw new NotPlain();
        const v = obj[key];
        if (v !== undefined) out[key] = sortedCopy(v, depth + 1);
      }
      return out;
    }
    default:
      throw new NotPlain();
  }
}

function encode(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw new NotPlain();
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new NotPlain();
      return Object.is(value, -0) ? '0' : String(value);
    case 'object': {
      if (value === null) return 'null';
      if (depth > MAX_DEPTH) throw new NotPlain();
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const item = value[i];
          if (item === undefined) throw new NotPlain();
          out += encode(item, depth + 1);
        }
        return `${out}]`;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) throw new NotPlain();
      const obj = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = obj[key];
        if (v === undefined) continue;
        if (!key.isWellFormed()) throw new NotPlain();
        out += `${first ? '' : ','}${JSON.stringify(key)}:${encode(v, depth + 1)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new NotPlain();
  }
}

/**
 * Whether `text` is the canonical encoding of `parsed` (= JSON.parse(text)). Fast path: native
 * JSON.stringify reproduces the text exactly when it has no whitespace and standard escapes, and
 * keys then appear in text order, which must be sorted; numeric-looking keys (which JavaScript
 * reorders) fall back to a full re-encoding.
 */
export function isCanonicalText(text: string, parsed: unknown): boolean {
  if (JSON.stringify(parsed) === text && sortedAndSafe(parsed, 0)) return true;
  try {
    return canonicalJson(parsed) === text;
  } catch {
    return false;
  }
}

/**
 * Plain JSON whose object keys are already in canonical order, so JSON.stringify writes exactly
 * the canonical text. For-in yields integer-like keys first in numeric order, which fails the
 * sort check whenever it differs from code-unit order, so such objects take the slow path.
 */
function sortedAndSafe(v: unknown, depth: number): boolean {
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0);
  if (typeof v === 'string') return v.isWellFormed();
  if (typeof v === 'boolean' || v === null) return true;
  if (typeof v !== 'object' || depth > MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (!sortedAndSafe(x, depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  let prev: string | null = null;
  for (const key in v as Record<string, unknown>) {
    if (prev !== null && !(prev < key)) return false;
    const x = (v as Record<string, unknown>)[key];
    // undefined members are omitted by both encoders; anything else must be plain JSON.
    if (!key.isWellFormed() || (x !== undefined && !sortedAndSafe(x, depth + 1))) return false;
    prev = key;
  }
  return true;
}
