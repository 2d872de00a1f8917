// A key share: one party's part of a threshold key, with everything needed to use it and to
// check it belongs where it is used (scheme, committee, threshold, group key, version).
// The secret part is reachable only through `secretBytes()`; printing, logging or
// JSON-serialising a KeyShare shows a redacted form, so share material cannot leak by accident.
import { bytesToHex } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MpcError } from './errors.ts';
import { Reader, Writer } from './encoding.ts';
import { assertMember, assertPartyId, assertThreshold, normalizeParties, type PartyId } from './party.ts';

export type SchemeId = 'frost-ed25519' | 'frost-secp256k1' | 'frost-taproot' | 'dkls23-secp256k1';

export const SCHEME_IDS: readonly SchemeId[] = [
  'frost-ed25519',
  'frost-secp256k1',
  'frost-taproot',
  'dkls23-secp256k1',
];

const SHARE_FORMAT = 'cairn/key-share/v1';

export interface KeyShareFields {
  scheme: SchemeId;
  /** Incremented by every refresh and reshare; shares of different versions never combine. */
  version: number;
  party: PartyId;
  parties: readonly PartyId[];
  threshold: number;
  /** Group public key in the scheme's canonical encoding. */
  publicKey: Uint8Array;
  /** BIP-32 chain code (32 bytes) where the scheme supports derivation, else empty. */
  chainCode: Uint8Array;
  /** Scheme-specific public state (e.g. every party's verifying share), canonically encoded. */
  publicState: Uint8Array;
  /** Scheme-specific secret state (the signing share, OT seeds…), canonically encoded. */
  secretState: Uint8Array;
}

export class KeyShare {
  readonly scheme: SchemeId;
  readonly version: number;
  readonly party: PartyId;
  readonly parties: readonly PartyId[];
  readonly threshold: number;
  readonly publicKey: Uint8Array;
  readonly chainCode: Uint8Array;
  readonly publicState: Uint8Array;
  readonly #secret: Uint8Array;

  constructor(fields: KeyShareFields) {
    if (!SCHEME_IDS.includes(fields.scheme))
      throw new MpcError('INVALID_PARAMETERS', `unknown scheme ${fields.scheme}`);
    if (!Number.isInteger(fields.version) || fields.version < 0 || fields.version > 0xffffffff) {
      throw new MpcError('INVALID_PARAMETERS', `share version must be a u32, got ${fields.version}`);
    }
    assertPartyId(fields.party);
    const parties = normalizeParties(fields.parties, 'committee');
    assertMember(fields.party, parties);
    assertThreshold(fields.threshold, parties.length);
    if (fields.chainCode.length !== 0 && fields.chainCode.length !== 32) {
      throw new MpcError('INVALID_LENGTH', 'chain code must be 32 bytes or empty');
    }
    this.scheme = fields.scheme;
    this.version = fields.version;
    this.party = fields.party;
    this.parties = Object.freeze(parties);
    this.threshold = fields.threshold;
    this.publicKey = fields.publicKey.slice();
    this.chainCode = fields.chainCode.slice();
    this.publicState = fields.publicState.slice();
    this.#secret = fields.secretState.slice();
  }

  /** The scheme-specific secret state. Handle with care: never log, print or send it unencrypted. */
  secretBytes(): Uint8Array {
    return this.#secret.slice();
  }

  /** Identifies the key (not the share): the same for every party and every version. */
  get keyId(): string {
    return keyIdOf(this.scheme, this.publicKey);
  }

  /** Canonical binary encoding (includes the secret: encrypt before storing). */
  serialize(): Uint8Array {
    return new Writer()
      .string(SHARE_FORMAT)
      .string(this.scheme)
      .u32(this.version)
      .u16(this.party)
      .list(this.parties, (w, p) => w.u16(p))
      .u16(this.threshold)
      .bytes(this.publicKey)
      .bytes(this.chainCode)
      .bytes(this.publicState)
      .bytes(this.#secret)
      .finish();
  }

  static deserialize(bytes: Uint8Array): KeyShare {
    const r = new Reader(bytes);
    if (r.string() !== SHARE_FORMAT)
      throw new MpcError('MALFORMED_MESSAGE', 'not a Cairn key share (unknown format)');
    const fields: KeyShareFields = {
      scheme: r.string(64) as SchemeId,
      version: r.u32(),
      party: r.u16(),
      parties: r.list((x) => x.u16(), 0xffff),
      threshold: r.u16(),
      publicKey: r.bytes(1024),
      chainCode: r.bytes(32),
      publicState: r.bytes(),
      secretState: r.bytes(),
    };
    r.end();
    return new KeyShare(fields);
  }

  /** Same committee, threshold, key and version: these two shares may sign together. */
  compatibleWith(other: KeyShare): boolean {
    return (
      this.keyId === other.keyId &&
      this.version === other.version &&
      this.threshold === other.threshold &&
      this.parties.join(',') === other.parties.join(',')
    );
  }

  /** A description safe to log. */
  describe(): Record<string, unknown> {
    return {
      scheme: this.scheme,
      keyId: this.keyId,
      version: this.version,
      party: this.party,
      parties: [...this.parties],
      threshold: this.threshold,
      publicKey: bytesToHex(this.publicKey),
      secret: '[redacted]',
    };
  }

  toJSON(): Record<string, unknown> {
    return this.describe();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `KeyShare ${JSON.stringify(this.describe())}`;
  }
}

/** Stable key identifier: hex of SHA-256(scheme || public key), first 16 bytes. */
export function keyIdOf(scheme: SchemeId, publicKey: Uint8Array): string {
  const digest = sha256(new Writer().string('cairn/key-id/v1').string(scheme).bytes(publicKey).finish());
  return bytesToHex(digest.subarray(0, 16));
}
