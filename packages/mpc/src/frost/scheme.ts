// FROST behind Cairn's ThresholdScheme: one class, three ciphersuites.
import { MpcError } from '../errors.ts';
import type { PartyProtocol } from '../protocol.ts';
import type {
  DkgParameters,
  PresignParameters,
  RefreshParameters,
  ReshareParameters,
  Signature,
  SignParameters,
  SignWithPresignatureParameters,
  ThresholdScheme,
} from '../scheme.ts';
import type { KeyShare, SchemeId } from '../share.ts';
import type { Ciphersuite } from './ciphersuite.ts';
import { FrostDkgProtocol } from './dkg.ts';
import { FrostOnlineProtocol, type FrostPresignature, FrostPresignProtocol } from './presign.ts';
import { FrostRefreshProtocol } from './refresh.ts';
import { FrostReshareProtocol } from './reshare.ts';
import { FrostSignProtocol } from './sign.ts';
import { ed25519Suite } from './suites/ed25519.ts';
import { secp256k1Suite } from './suites/secp256k1.ts';
import { taprootSuite } from './suites/taproot.ts';

export type FrostSchemeId = 'frost-ed25519' | 'frost-secp256k1' | 'frost-taproot';

export const FROST_SUITES: Readonly<Record<FrostSchemeId, Ciphersuite>> = Object.freeze({
  'frost-ed25519': ed25519Suite,
  'frost-secp256k1': secp256k1Suite,
  'frost-taproot': taprootSuite,
});

export class FrostScheme implements ThresholdScheme {
  readonly id: SchemeId;
  readonly suite: Ciphersuite;

  constructor(id: FrostSchemeId) {
    const suite = FROST_SUITES[id];
    if (!suite) throw new MpcError('INVALID_PARAMETERS', `unknown FROST scheme ${String(id)}`);
    this.id = id;
    this.suite = suite;
  }

  dkg(params: DkgParameters): PartyProtocol<KeyShare> {
    return new FrostDkgProtocol(this.suite, params);
  }

  sign(params: SignParameters): PartyProtocol<Signature> {
    return new FrostSignProtocol(this.suite, params);
  }

  /** RFC 9591 §5.1 round one ahead of the message: a single-use presignature (presign.ts). */
  presign(params: PresignParameters): PartyProtocol<FrostPresignature> {
    return new FrostPresignProtocol(this.suite, params);
  }

  /** Round two only, on a presignature's commitment list; consumes the presignature. */
  signWithPresignature(params: SignWithPresignatureParameters): PartyProtocol<Signature> {
    return new FrostOnlineProtocol(this.suite, params);
  }

  refresh(params: RefreshParameters): PartyProtocol<KeyShare> {
    return new FrostRefreshProtocol(this.suite, params);
  }

  reshare(params: ReshareParameters): PartyProtocol<KeyShare | null> {
    return new FrostReshareProtocol(this.suite, params);
  }

  verify(params: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }): boolean {
    return this.suite.verify(params.publicKey, params.message, params.signature);
  }
}

/** FROST(Ed25519, SHA-512), RFC 9591 §6.1. */
export const frostEd25519: FrostScheme = new FrostScheme('frost-ed25519');
/** FROST(secp256k1, SHA-256), RFC 9591 §6.5. */
export const frostSecp256k1: FrostScheme = new FrostScheme('frost-secp256k1');
/** BIP-340/341 compatible FROST over secp256k1 (x-only keys, Taproot key-path tweak). */
export const frostTaproot: FrostScheme = new FrostScheme('frost-taproot');
