// Canonical JSON for audit entries and export lines: Cairn's shared encoding (@cairn/canonical,
// RFC 8785 key order, no whitespace, safe integers only, amounts as decimal strings), so an
// entry's hash is a function of its meaning and matches what other packages sign.
import { CanonicalJsonError, canonicalize } from '@cairn/canonical';
import { AuditError } from './errors.ts';

/** A JSON value that has exactly one canonical encoding. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Encodes `value` canonically; throws NON_CANONICAL for floats, non-plain objects, undefined. */
export function canonicalJson(value: unknown): string {
  try {
    return canonicalize(value);
  } catch (error) {
    if (error instanceof CanonicalJsonError) throw new AuditError('NON_CANONICAL', error.message);
    throw error;
  }
}
