// The one contract every threshold protocol implements. Business code (signer nodes, the
// coordinator, chain adapters) depends on this interface only, so a key can move to another
// protocol or committee without any caller changing.
import type { PartyId } from './party.ts';
import type { PartyProtocol } from './protocol.ts';
import type { KeyShare, SchemeId } from './share.ts';

/** Source of randomness; defaults to the platform CSPRNG. Tests may inject a deterministic one. */
export type RandomBytes = (length: number) => Uint8Array;

export interface DkgParameters {
  sessionId: Uint8Array;
  party: PartyId;
  parties: readonly PartyId[];
  threshold: number;
  random?: RandomBytes;
}

export interface SignParameters {
  sessionId: Uint8Array;
  share: KeyShare;
  /** The t parties that sign (this party included). */
  signers: readonly PartyId[];
  /**
   * What is signed. ECDSA: the 32-byte message hash (the chain adapter computes it from the
   * transaction). Schnorr (FROST): the message itself, per RFC 9591 / BIP-340.
   */
  message: Uint8Array;
  /** Non-hardened BIP-32 path below the key, where the scheme supports derivation. */
  derivationPath?: readonly number[];
  /** BIP-341 key-path tweak (frost-taproot only): null for no script tree, or the 32-byte Merkle root. */
  taprootMerkleRoot?: Uint8Array | null;
  random?: RandomBytes;
}

export interface Signature {
  /** ECDSA: r || s (64 bytes, low-S). Ed25519: R || S (64). BIP-340: x(R) || s (64). */
  bytes: Uint8Array;
  /** ECDSA recovery id (0 or 1); undefined for Schnorr schemes. */
  recovery?: number;
  /** The key this signature verifies under (the derived or tweaked key where one applies). */
  publicKey: Uint8Array;
}

export interface RefreshParameters {
  sessionId: Uint8Array;
  share: KeyShare;
  random?: RandomBytes;
}

export interface ReshareParameters {
  sessionId: Uint8Array;
  party: PartyId;
  /** This party's current share, if it is in the old committee; null for a joining party. */
  share: KeyShare | null;
  oldParties: readonly PartyId[];
  oldThreshold: number;
  newParties: readonly PartyId[];
  newThreshold: number;
  /** The group key the new shares must reconstruct (a joining party checks against it). */
  publicKey: Uint8Array;
  /** Version of the old shares; new shares get version + 1. */
  version: number;
  random?: RandomBytes;
}

export interface DeriveParameters {
  publicKey: Uint8Array;
  chainCode: Uint8Array;
  path: readonly number[];
}

export interface DerivedKey {
  publicKey: Uint8Array;
  chainCode: Uint8Array;
  /** The additive tweak (32-byte big-endian scalar) from the parent key to the child. */
  tweak: Uint8Array;
}

/** A message-independent precomputation (DKLs23 rounds 1–2, FROST round one). Single use. */
export interface Presignature {
  readonly id: string;
  readonly scheme: SchemeId;
  readonly keyId: string;
  readonly signers: readonly PartyId[];
  /** True once used or discarded; a used presignature is refused (reuse would leak the key). */
  readonly consumed: boolean;
}

export interface PresignParameters {
  sessionId: Uint8Array;
  share: KeyShare;
  signers: readonly PartyId[];
  derivationPath?: readonly number[];
  random?: RandomBytes;
}

export interface SignWithPresignatureParameters {
  sessionId: Uint8Array;
  share: KeyShare;
  presignature: Presignature;
  message: Uint8Array;
  /** BIP-341 key-path tweak (frost-taproot only), as in SignParameters. */
  taprootMerkleRoot?: Uint8Array | null;
}

export interface ThresholdScheme {
  readonly id: SchemeId;
  /** Distributed key generation; every party ends with a share of the same group key. */
  dkg(params: DkgParameters): PartyProtocol<KeyShare>;
  /** Threshold signing by `signers`; every signer ends with the same, verified signature. */
  sign(params: SignParameters): PartyProtocol<Signature>;
  /** New shares of the same key for the same committee; old and new shares never combine. */
  refresh(params: RefreshParameters): PartyProtocol<KeyShare>;
  /** Moves the key to a new committee and/or threshold; leaving parties end with null. */
  reshare(params: ReshareParameters): PartyProtocol<KeyShare | null>;
  /** Verifies a final signature with the scheme's standard verifier. */
  verify(params: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }): boolean;
  /** Non-hardened derivation of a child key, where the scheme supports it. */
  derive?(params: DeriveParameters): DerivedKey;
  /** Message-independent presigning, where the scheme supports it. */
  presign?(params: PresignParameters): PartyProtocol<Presignature>;
  /** Completes a signature from a presignature; consumes it atomically. */
  signWithPresignature?(params: SignWithPresignatureParameters): PartyProtocol<Signature>;
}
