// FROST key material inside a Cairn KeyShare. publicState holds every party's verifying share
// (RFC 9591 §5.4 PK_i); secretState holds the signing share. Parsing validates everything and
// is cached per KeyShare object, so the decoded points (and the precomputed multiplication
// table of the group key) are built once, not on every signing.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { equalBytes, encodeFields, Reader, Writer } from '../encoding.ts';
import { MpcError } from '../errors.ts';
import { assertMember, assertThreshold, normalizeParties, type PartyId } from '../party.ts';
import { KeyShare } from '../share.ts';
import type { Ciphersuite, GroupElement } from './ciphersuite.ts';

const PUBLIC_FORMAT = 'cairn/frost-public/v1';
const SECRET_FORMAT = 'cairn/frost-secret/v1';

/** A parsed, validated FROST key share. */
export interface FrostKeyState {
  readonly suite: Ciphersuite;
  readonly share: KeyShare;
  /** The signing share s_i. */
  readonly secret: bigint;
  /** The group key (BIP-340: with even Y). */
  readonly PK: GroupElement;
  /** SerializeElement(PK). */
  readonly PKElement: Uint8Array;
  /** Encoded verifying shares of every committee member. */
  readonly verifyingShareBytes: ReadonlyMap<PartyId, Uint8Array>;
  /** Decoded verifying share (fully validated, cached). */
  verifyingShare(party: PartyId): GroupElement;
  /** Hash of the committee's verifying shares: differs between generations (refresh, reshare). */
  readonly verifyingSetHash: Uint8Array;
}

export interface BuildKeyShareParameters {
  suite: Ciphersuite;
  version: number;
  party: PartyId;
  parties: readonly PartyId[];
  threshold: number;
  PK: GroupElement;
  verifyingShares: ReadonlyMap<PartyId, GroupElement>;
  secret: bigint;
}

export function encodePublicState(
  suite: Ciphersuite,
  parties: readonly PartyId[],
  verifyingShares: ReadonlyMap<PartyId, GroupElement | Uint8Array>,
): Uint8Array {
  return new Writer()
    .string(PUBLIC_FORMAT)
    .list(parties, (w, p) => {
      const y = verifyingShares.get(p);
      if (!y) throw new MpcError('INVALID_PARAMETERS', `no verifying share for party ${p}`);
      w.u16(p).fixed(y instanceof Uint8Array ? y : suite.serializeElement(y), suite.elementLength);
    })
    .finish();
}

/**
 * Wraps FROST key material into a KeyShare. The caller has checked it (DKG, refresh, reshare,
 * import): the group key and verifying shares are in the prime-order group and form one
 * degree t−1 sharing, so their validated form is remembered for the share's first use.
 */
export function buildKeyShare(p: BuildKeyShareParameters): KeyShare {
  const { suite } = p;
  const share = new KeyShare({
    scheme: suite.scheme,
    version: p.version,
    party: p.party,
    parties: p.parties,
    threshold: p.threshold,
    publicKey: suite.encodePublicKey(p.PK),
    chainCode: new Uint8Array(0),
    publicState: encodePublicState(suite, p.parties, p.verifyingShares),
    secretState: new Writer()
      .string(SECRET_FORMAT)
      .fixed(suite.serializeScalar(p.secret), suite.scalarLength)
      .finish(),
  });
  const verifyingShares = new Map(share.parties.map((party) => [party, p.verifyingShares.get(party)!]));
  const verifyingShareBytes = new Map(
    share.parties.map((party) => [party, suite.serializeElement(verifyingShares.get(party)!)]),
  );
  const PK = cachedGroupKey(suite, share.publicKey, () => p.PK);
  rememberPublicState(
    publicStateId(suite, share),
    publicKeyState(suite, share, PK, verifyingShares, verifyingShareBytes),
  );
  return share;
}

// Decoded group keys with their precomputed multiplication tables, shared by every share of
// the key (bounded, least recently used first out).
const groupKeys = new Map<string, GroupElement>();
const MAX_GROUP_KEYS = 64;

/**
 * The cached point of a group key, else `decode()` (decoding and validating `publicKey`, or a
 * point DKG, refresh, reshare or import already validated) with its table precomputed, cached.
 */
function cachedGroupKey(suite: Ciphersuite, publicKey: Uint8Array, decode: () => GroupElement): GroupElement {
  const id = `${suite.scheme}:${bytesToHex(publicKey)}`;
  const cached = groupKeys.get(id);
  if (cached) {
    groupKeys.delete(id);
    groupKeys.set(id, cached);
    return cached;
  }
  const PK = decode();
  PK.precompute(8, true);
  groupKeys.set(id, PK);
  if (groupKeys.size > MAX_GROUP_KEYS) groupKeys.delete(groupKeys.keys().next().value!);
  return PK;
}

/** Decodes a group key once per process and precomputes its multiplication table. */
export function groupKeyPoint(suite: Ciphersuite, publicKey: Uint8Array): GroupElement {
  return cachedGroupKey(suite, publicKey, () => suite.decodePublicKey(publicKey));
}

const states = new WeakMap<KeyShare, FrostKeyState>();

/** The validated public part of a key generation, shared by all its shares. */
interface PublicKeyState {
  readonly PK: GroupElement;
  readonly PKElement: Uint8Array;
  readonly verifyingShareBytes: ReadonlyMap<PartyId, Uint8Array>;
  readonly verifyingShares: ReadonlyMap<PartyId, GroupElement>;
  readonly verifyingSetHash: Uint8Array;
}

// Validated public states (public data only, no secrets), keyed by a hash of everything they
// were validated against: a node that reloads its share from storage for every signing pays
// the subgroup and consistency checks once per key generation, not once per signing.
const publicStates = new Map<string, PublicKeyState>();
const MAX_PUBLIC_STATES = 256;

function publicStateId(suite: Ciphersuite, share: KeyShare): string {
  return bytesToHex(
    sha256(
      new Writer()
        .string('cairn/frost/public-state-cache/v1')
        .string(suite.scheme)
        .bytes(share.publicKey)
        .u16(share.threshold)
        .list(share.parties, (w, p) => w.u16(p))
        .bytes(share.publicState)
        .finish(),
    ),
  );
}

function publicKeyState(
  suite: Ciphersuite,
  share: KeyShare,
  PK: GroupElement,
  verifyingShares: ReadonlyMap<PartyId, GroupElement>,
  verifyingShareBytes: ReadonlyMap<PartyId, Uint8Array>,
): PublicKeyState {
  return {
    PK,
    PKElement: suite.serializeElement(PK),
    verifyingShareBytes,
    verifyingShares,
    verifyingSetHash: sha256(encodeFields('cairn/frost/verifying-set/v1', [share.publicState])),
  };
}

function rememberPublicState(id: string, state: PublicKeyState): void {
  publicStates.set(id, state);
  if (publicStates.size > MAX_PUBLIC_STATES) publicStates.delete(publicStates.keys().next().value!);
}

function loadPublicState(suite: Ciphersuite, share: KeyShare): PublicKeyState {
  const id = publicStateId(suite, share);
  const cached = publicStates.get(id);
  if (cached) {
    publicStates.delete(id);
    publicStates.set(id, cached);
    return cached;
  }
  const PK = groupKeyPoint(suite, share.publicKey);
  const r = new Reader(share.publicState);
  if (r.string() !== PUBLIC_FORMAT)
    throw new MpcError('MALFORMED_MESSAGE', 'unknown FROST public state format');
  const entries = r.list((x) => [x.u16(), x.fixed(suite.elementLength)] as const, 0xffff);
  r.end();
  if (entries.map(([p]) => p).join(',') !== share.parties.join(',')) {
    throw new MpcError('MALFORMED_MESSAGE', 'verifying shares do not match the committee');
  }
  const verifyingShareBytes = new Map<PartyId, Uint8Array>(entries);
  // Full RFC 9591 §3.1 validation of every verifying share (subgroup check included).
  const verifyingShares = new Map<PartyId, GroupElement>(
    entries.map(([p, b]) => [p, suite.deserializeElement(b)]),
  );
  assertConsistentSharing(suite, share.parties, share.threshold, (p) => verifyingShares.get(p)!, PK);
  const state = publicKeyState(suite, share, PK, verifyingShares, verifyingShareBytes);
  rememberPublicState(id, state);
  return state;
}

/** Parses and validates a FROST KeyShare (cached per object). Throws MpcError on any defect. */
export function loadKeyState(suite: Ciphersuite, share: KeyShare): FrostKeyState {
  if (!(share instanceof KeyShare)) throw new MpcError('INVALID_PARAMETERS', 'expected a KeyShare');
  const cached = states.get(share);
  if (cached) return cached;
  if (share.scheme !== suite.scheme) {
    throw new MpcError('KEY_MISMATCH', `share is for ${share.scheme}, not ${suite.scheme}`);
  }
  if (share.chainCode.length !== 0) throw new MpcError('UNSUPPORTED', 'FROST shares carry no chain code');
  const pub = loadPublicState(suite, share);
  const rs = new Reader(share.secretBytes());
  if (rs.string() !== SECRET_FORMAT)
    throw new MpcError('MALFORMED_MESSAGE', 'unknown FROST secret state format');
  const secret = suite.deserializeScalar(rs.fixed(suite.scalarLength));
  rs.end();
  // The share must match its own published verifying share: s_i·G == PK_i.
  if (!suite.Point.BASE.multiply(secret).equals(pub.verifyingShares.get(share.party)!)) {
    throw new MpcError('KEY_MISMATCH', 'signing share does not match its verifying share');
  }
  const state: FrostKeyState = {
    suite,
    share,
    secret,
    PK: pub.PK,
    PKElement: pub.PKElement,
    verifyingShareBytes: pub.verifyingShareBytes,
    verifyingShare: (party) => {
      const y = pub.verifyingShares.get(party);
      if (!y) throw new MpcError('INVALID_PARAMETERS', `party ${party} has no verifying share`);
      return y;
    },
    verifyingSetHash: pub.verifyingSetHash,
  };
  states.set(share, state);
  return state;
}

/**
 * The verifying shares must be one degree t−1 sharing of the group key: interpolating the first
 * t of them gives PK at 0 and every other party's PK_m at m (public data: variable-time MSM).
 */
function assertConsistentSharing(
  suite: Ciphersuite,
  parties: readonly PartyId[],
  threshold: number,
  verifyingShare: (party: PartyId) => GroupElement,
  PK: GroupElement,
): void {
  const { Fn } = suite;
  const basis = parties.slice(0, threshold);
  const points = basis.map((p) => verifyingShare(p));
  const xs = basis.map(BigInt);
  const at = (x: bigint) =>
    suite.msm(
      points,
      xs.map((xi) => {
        let num = 1n;
        let den = 1n;
        for (const xj of xs) {
          if (xj === xi) continue;
          num = Fn.mul(num, Fn.sub(x, xj));
          den = Fn.mul(den, Fn.sub(xi, xj));
        }
        return Fn.mul(num, Fn.inv(den));
      }),
    );
  if (!at(0n).equals(PK))
    throw new MpcError('KEY_MISMATCH', 'verifying shares do not interpolate to the group key');
  for (const p of parties.slice(threshold)) {
    if (!at(BigInt(p)).equals(verifyingShare(p))) {
      throw new MpcError('KEY_MISMATCH', `verifying share of party ${p} is not on the committee's sharing`);
    }
  }
}

/** True when two states describe the same generation of the same key. */
export function sameGeneration(a: FrostKeyState, b: FrostKeyState): boolean {
  return a.share.compatibleWith(b.share) && equalBytes(a.verifyingSetHash, b.verifyingSetHash);
}

export interface ImportKeyShareParameters {
  suite: Ciphersuite;
  party: PartyId;
  parties: readonly PartyId[];
  threshold: number;
  /** SerializeElement of the group key (for BIP-340 the 33-byte compressed point). */
  groupPublicKey: Uint8Array;
  /** SerializeScalar of this party's signing share. */
  signingShare: Uint8Array;
  /** SerializeElement of every committee member's verifying share. */
  verifyingShares: ReadonlyMap<PartyId, Uint8Array>;
  version?: number;
}

/**
 * Imports FROST key material from another implementation (RFC 9591 key packages, e.g. noble's
 * or frost-rs): validates every element, checks the share against its verifying share and
 * that t verifying shares interpolate to the group key; for BIP-340 normalises to even Y.
 */
export function importKeyShare(p: ImportKeyShareParameters): KeyShare {
  const { suite } = p;
  const { Fn } = suite;
  const parties = normalizeParties(p.parties, 'committee');
  assertMember(p.party, parties);
  assertThreshold(p.threshold, parties.length);
  let PK = suite.deserializeElement(p.groupPublicKey);
  let secret = suite.deserializeScalar(p.signingShare);
  const Y = new Map<PartyId, GroupElement>();
  for (const party of parties) {
    const bytes = p.verifyingShares.get(party);
    if (!bytes) throw new MpcError('INVALID_PARAMETERS', `no verifying share for party ${party}`);
    Y.set(party, suite.deserializeElement(bytes));
  }
  if (!suite.Point.BASE.multiply(secret).equals(Y.get(p.party)!)) {
    throw new MpcError('KEY_MISMATCH', 'signing share does not match its verifying share');
  }
  assertConsistentSharing(suite, parties, p.threshold, (party) => Y.get(party)!, PK);
  if (suite.xOnly && PK.toBytes()[0] === 3) {
    PK = PK.negate();
    secret = Fn.neg(secret);
    for (const [party, y] of Y) Y.set(party, y.negate());
  }
  return buildKeyShare({
    suite,
    version: p.version ?? 0,
    party: p.party,
    parties,
    threshold: p.threshold,
    PK,
    verifyingShares: Y,
    secret,
  });
}
