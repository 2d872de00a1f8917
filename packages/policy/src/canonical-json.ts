// Canonical JSON for policy documents, approvals and governance statements: Cairn's shared
// encoding (@cairn/canonical — RFC 8785 key order, no whitespace, safe integers only, bigints as
// decimal strings), so a value has exactly one encoding and never loses precision
// (ARCHITECTURE §2, rule 2). Errors surface as PolicyError NON_CANONICAL.
import { CanonicalJsonError, type CanonicalValue, canonicalize } from '@cairn/canonical';
import { PolicyError } from './errors.ts';

export type { CanonicalValue };

/** Encodes `value` canonically. Throws NON_CANONICAL for floats, NaN, non-plain objects. */
export function canonicalJson(value: unknown): string {
  try {
    return canonicalize(value);
  } catch (error) {
    if (error instanceof CanonicalJsonError) throw new PolicyError('NON_CANONICAL', error.message);
    throw error;
  }
}
