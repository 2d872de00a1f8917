// What a DKLs23 key share holds beyond the common KeyShare fields, in canonical encodings.
// Public state: every committee member's verification share X_j = p(j)·G.
// Secret state: the Shamir share p(i), and for every other member j the pairwise set-up of
// DKLs23 key generation: the zero-share seed, the gadget seed of the multiplications, this
// party's OT-extension sender state (Δ and the chosen seeds) for multiplications where it is
// Alice, and its receiver state (both seeds) for multiplications where it is Bob.
import { Reader, Writer } from '../encoding.ts';
import { MpcError } from '../errors.ts';
import type { PartyId } from '../party.ts';
import type { KeyShare } from '../share.ts';
import { type Point, pointFromBytes, pointToBytes, scalarFromBytes, scalarToBytes } from './curve.ts';
import { KAPPA, KEY_BYTES } from './ot/base-ot.ts';
import type { OteReceiverState, OteSenderState } from './ot/extension.ts';

const SECRET_FORMAT = 1;

export interface PairState {
  readonly zeroSeed: Uint8Array;
  readonly gadgetSeed: Uint8Array;
  readonly sender: OteSenderState;
  readonly receiver: OteReceiverState;
}

export interface SecretState {
  readonly share: bigint;
  readonly pairs: ReadonlyMap<PartyId, PairState>;
}

export function encodeSecretState(s: SecretState): Uint8Array {
  const w = new Writer().u8(SECRET_FORMAT).fixed(scalarToBytes(s.share), 32);
  w.list(
    [...s.pairs].sort(([a], [b]) => a - b),
    (w2, [peer, p]) => {
      w2.u16(peer)
        .fixed(p.zeroSeed, 32)
        .fixed(p.gadgetSeed, 32)
        .fixed(p.sender.delta, KAPPA / 8);
      for (const k of p.sender.seeds) w2.fixed(k, KEY_BYTES);
      for (const k of p.receiver.seeds0) w2.fixed(k, KEY_BYTES);
      for (const k of p.receiver.seeds1) w2.fixed(k, KEY_BYTES);
    },
  );
  return w.finish();
}

export function decodeSecretState(bytes: Uint8Array): SecretState {
  const r = new Reader(bytes);
  if (r.u8() !== SECRET_FORMAT) throw new MpcError('MALFORMED_MESSAGE', 'unknown DKLs23 secret-state format');
  const share = scalarFromBytes(r.fixed(32));
  const keys = () => Array.from({ length: KAPPA }, () => r.fixed(KEY_BYTES));
  const pairs = new Map<PartyId, PairState>();
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    const peer = r.u16();
    const zeroSeed = r.fixed(32);
    const gadgetSeed = r.fixed(32);
    const delta = r.fixed(KAPPA / 8);
    const seeds = keys();
    const seeds0 = keys();
    const seeds1 = keys();
    pairs.set(peer, { zeroSeed, gadgetSeed, sender: { delta, seeds }, receiver: { seeds0, seeds1 } });
  }
  r.end();
  return { share, pairs };
}

export function encodePublicState(verificationShares: ReadonlyMap<PartyId, Point>): Uint8Array {
  return new Writer()
    .list(
      [...verificationShares].sort(([a], [b]) => a - b),
      (w, [p, X]) => w.u16(p).fixed(pointToBytes(X), 33),
    )
    .finish();
}

export function decodePublicState(bytes: Uint8Array): Map<PartyId, Point> {
  const r = new Reader(bytes);
  const entries = r.list((x) => [x.u16(), pointFromBytes(x.fixed(33))] as const);
  r.end();
  return new Map(entries);
}

const secretCache = new WeakMap<KeyShare, SecretState>();
const publicCache = new WeakMap<KeyShare, Map<PartyId, Point>>();

/** Decoded secret state of a share (cached per KeyShare object; shares are immutable). */
export function secretStateOf(share: KeyShare): SecretState {
  let s = secretCache.get(share);
  if (!s) {
    s = decodeSecretState(share.secretBytes());
    secretCache.set(share, s);
  }
  return s;
}

export function publicStateOf(share: KeyShare): Map<PartyId, Point> {
  let s = publicCache.get(share);
  if (!s) {
    s = decodePublicState(share.publicState);
    publicCache.set(share, s);
  }
  return s;
}
