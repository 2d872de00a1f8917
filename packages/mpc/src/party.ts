// Parties and committees. A party id is the Shamir x-coordinate of its share: an integer in
// [1, 65535], so it is never zero (a zero x-coordinate would reveal the secret) and always
// encodes in exactly two bytes.
import { MpcError } from './errors.ts';

export type PartyId = number;

export const MAX_PARTY_ID = 0xffff;

export function assertPartyId(id: unknown, what = 'party id'): asserts id is PartyId {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_PARTY_ID) {
    throw new MpcError(
      'INVALID_PARAMETERS',
      `${what} must be an integer in [1, ${MAX_PARTY_ID}], got ${String(id)}`,
    );
  }
}

/** Validates a committee: distinct party ids, sorted ascending, returned as a new array. */
export function normalizeParties(parties: readonly PartyId[], what = 'parties'): PartyId[] {
  if (!Array.isArray(parties) || parties.length === 0) {
    throw new MpcError('INVALID_PARAMETERS', `${what} must be a non-empty list`);
  }
  for (const p of parties) assertPartyId(p, `${what} entry`);
  const sorted = [...parties].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1])
      throw new MpcError('INVALID_PARAMETERS', `${what} lists party ${sorted[i]} twice`);
  }
  return sorted;
}

/** Validates a (t, n) threshold: 2 <= t <= n. A 1-of-n key is a single key in disguise. */
export function assertThreshold(threshold: number, n: number): void {
  if (!Number.isInteger(threshold) || threshold < 2 || threshold > n) {
    throw new MpcError(
      'INVALID_PARAMETERS',
      `threshold must be an integer with 2 <= t <= n (n = ${n}), got ${threshold}`,
    );
  }
}

export function assertMember(party: PartyId, parties: readonly PartyId[], what = 'party'): void {
  if (!parties.includes(party)) {
    throw new MpcError(
      'INVALID_PARAMETERS',
      `${what} ${party} is not in the committee [${parties.join(', ')}]`,
    );
  }
}
