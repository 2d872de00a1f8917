// A DKLs23 presignature: one signer's state after signing rounds 1–2 (ePrint 2023/765,
// Protocol 3.6 steps 1–9, which do not depend on the message). It holds the nonce share r_i
// only through u_i = share of r·φ and v_i = share of sk·φ, plus the inversion mask φ_i; the
// online round sends w_i = H(m)·φ_i + r_x·v_i.
//
// Single use: two signatures from one presignature give two linear equations in (sk, 1/r),
// which reveal the key. `consume()` flips `consumed` and wipes the secret fields *before* the
// caller computes anything, and a second call throws PRESIGNATURE_REUSED. The object lives in
// memory here; a signer node must keep presignatures in a persistent store and mark one used
// (durably, e.g. a transaction that deletes the row) before sending any online message, or a
// crash-and-replay could reuse it.
import { MpcError } from '../errors.ts';
import type { PartyId } from '../party.ts';
import type { Presignature } from '../scheme.ts';
import type { SchemeId } from '../share.ts';
import type { Point } from './curve.ts';

export interface PresignatureSecrets {
  readonly R: Point;
  readonly u: bigint;
  readonly v: bigint;
  readonly phi: bigint;
}

export class Dkls23Presignature implements Presignature {
  readonly id: string;
  readonly scheme: SchemeId = 'dkls23-secp256k1';
  readonly keyId: string;
  readonly version: number;
  readonly party: PartyId;
  readonly signers: readonly PartyId[];
  /** The derived key the signature will verify under (33 bytes) and the tweak to it. */
  readonly publicKey: Uint8Array;
  /** The group key the derived key is a tweak of. */
  readonly parentKey: Uint8Array;
  readonly tweak: bigint;
  /** Binds the online round to this presigning session (same for every signer). */
  readonly binding: Uint8Array;
  #secrets: PresignatureSecrets | null;

  constructor(params: {
    id: string;
    keyId: string;
    version: number;
    party: PartyId;
    signers: readonly PartyId[];
    publicKey: Uint8Array;
    parentKey: Uint8Array;
    tweak: bigint;
    binding: Uint8Array;
    secrets: PresignatureSecrets;
  }) {
    this.id = params.id;
    this.keyId = params.keyId;
    this.version = params.version;
    this.party = params.party;
    this.signers = Object.freeze([...params.signers]);
    this.publicKey = params.publicKey.slice();
    this.parentKey = params.parentKey.slice();
    this.tweak = params.tweak;
    this.binding = params.binding.slice();
    this.#secrets = params.secrets;
  }

  get consumed(): boolean {
    return this.#secrets === null;
  }

  /** Takes the secrets out, once. Throws PRESIGNATURE_REUSED on any later call. */
  consume(): PresignatureSecrets {
    const s = this.#secrets;
    this.#secrets = null;
    if (s === null)
      throw new MpcError('PRESIGNATURE_REUSED', `presignature ${this.id} was already used or discarded`);
    return s;
  }

  /** Discards an unused presignature (e.g. when its session is abandoned). */
  discard(): void {
    this.#secrets = null;
  }

  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      scheme: this.scheme,
      keyId: this.keyId,
      signers: [...this.signers],
      consumed: this.consumed,
    };
  }
}
