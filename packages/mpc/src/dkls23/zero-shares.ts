// Zero-sharing (DKLs23, ePrint 2023/765, Functionality 3.4, realised as in its §3 with
// pairwise PRF seeds): every pair of parties holds a common secret seed from key set-up; for a signing
// session each signer i outputs ζ_i = Σ_{j ≠ i} ±PRF(seed_ij, sid) (+ when i < j, − when i > j),
// so Σ_i ζ_i = 0 and the ζ_i re-randomise the Lagrange-weighted key shares of each session
// without any communication.
import { hashToScalar, mod, u16 } from './curve.ts';
import { MpcError } from '../errors.ts';
import type { PartyId } from '../party.ts';

export function zeroShare(params: {
  party: PartyId;
  signers: readonly PartyId[];
  seeds: ReadonlyMap<PartyId, Uint8Array>;
  sid: Uint8Array;
}): bigint {
  let acc = 0n;
  for (const j of params.signers) {
    if (j === params.party) continue;
    const seed = params.seeds.get(j);
    if (!seed) throw new MpcError('KEY_MISMATCH', `no zero-share seed for party ${j}`);
    const lo = Math.min(params.party, j);
    const hi = Math.max(params.party, j);
    const v = hashToScalar('cairn/dkls23/zero-share/v1', [seed, params.sid, u16(lo), u16(hi)]);
    acc += params.party < j ? v : -v;
  }
  return mod(acc);
}
