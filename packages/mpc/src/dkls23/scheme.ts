// DKLs23 threshold ECDSA on secp256k1 behind the ThresholdScheme contract.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { equalBytes } from '../encoding.ts';
import { MpcError } from '../errors.ts';
import { assertMember, assertPartyId, assertThreshold, normalizeParties, type PartyId } from '../party.ts';
import { assertSessionId, type PartyProtocol } from '../protocol.ts';
import type {
  DeriveParameters,
  DerivedKey,
  DkgParameters,
  PresignParameters,
  Presignature,
  RefreshParameters,
  ReshareParameters,
  SignParameters,
  SignWithPresignatureParameters,
  Signature,
  ThresholdScheme,
} from '../scheme.ts';
import { KeyShare } from '../share.ts';
import {
  defaultRandom,
  lagrangeAtZero,
  mod,
  type Point,
  pointFromBytes,
  randomScalar,
  scalarFromBytes,
} from './curve.ts';
import { assertDerivationPath, deriveChild } from './derive.ts';
import { KeySharing, SCHEME_ID } from './key-sharing.ts';
import { Dkls23Presignature } from './presignature.ts';
import { publicStateOf, secretStateOf } from './share-state.ts';
import { Dkls23Online, Dkls23Presign, Dkls23Sign, type SigningSetup } from './sign.ts';

const PROTOCOL = {
  dkg: `${SCHEME_ID}/dkg`,
  refresh: `${SCHEME_ID}/refresh`,
  reshare: `${SCHEME_ID}/reshare`,
  sign: `${SCHEME_ID}/sign`,
  presign: `${SCHEME_ID}/presign`,
  online: `${SCHEME_ID}/online`,
} as const;

function assertShare(share: unknown): asserts share is KeyShare {
  if (!(share instanceof KeyShare) || share.scheme !== SCHEME_ID) {
    throw new MpcError('INVALID_PARAMETERS', `expected a ${SCHEME_ID} key share`);
  }
}

function assertMessageHash(message: unknown): asserts message is Uint8Array {
  if (!(message instanceof Uint8Array) || message.length !== 32) {
    throw new MpcError('INVALID_PARAMETERS', 'ECDSA signs a 32-byte message hash (hash the message first)');
  }
}

function signers(share: KeyShare, list: readonly PartyId[]): PartyId[] {
  const s = normalizeParties(list, 'signers');
  for (const p of s) assertMember(p, share.parties, 'signer');
  assertMember(share.party, s, 'this party (as a signer)');
  if (s.length < share.threshold) {
    throw new MpcError('INVALID_PARAMETERS', `need at least ${share.threshold} signers, got ${s.length}`);
  }
  return s;
}

/** The Lagrange-weighted share λ_i·p(i) a member deals in refresh and reshare, and the matching public values. */
function dealing(
  share: KeyShare,
  committee: readonly PartyId[],
): { secret: bigint; constants: Map<PartyId, Point> } {
  const secret = mod(lagrangeAtZero(share.party, committee) * secretStateOf(share).share);
  const verification = publicStateOf(share);
  const constants = new Map<PartyId, Point>();
  for (const p of committee) {
    const X = verification.get(p);
    if (!X) throw new MpcError('INVALID_SHARE', `share has no verification share for party ${p}`);
    constants.set(p, X.multiply(lagrangeAtZero(p, committee)));
  }
  return { secret, constants };
}

export class Dkls23Scheme implements ThresholdScheme {
  readonly id = SCHEME_ID;

  dkg(params: DkgParameters): PartyProtocol<KeyShare> {
    assertSessionId(params.sessionId);
    assertPartyId(params.party);
    const parties = normalizeParties(params.parties);
    assertMember(params.party, parties);
    assertThreshold(params.threshold, parties.length);
    const random = params.random ?? defaultRandom;
    return new KeySharing({
      protocol: PROTOCOL.dkg,
      sessionId: params.sessionId,
      party: params.party,
      dealers: parties,
      receivers: parties,
      threshold: params.threshold,
      version: 0,
      secret: randomScalar(random),
      expectedPublicKey: null,
      dealerConstants: null,
      chainCode: null,
      random,
    }) as PartyProtocol<KeyShare>;
  }

  refresh(params: RefreshParameters): PartyProtocol<KeyShare> {
    assertSessionId(params.sessionId);
    assertShare(params.share);
    const share = params.share;
    const { secret, constants } = dealing(share, share.parties);
    return new KeySharing({
      protocol: PROTOCOL.refresh,
      sessionId: params.sessionId,
      party: share.party,
      dealers: share.parties,
      receivers: share.parties,
      threshold: share.threshold,
      version: share.version + 1,
      secret,
      expectedPublicKey: pointFromBytes(share.publicKey),
      dealerConstants: constants,
      chainCode: share.chainCode,
      random: params.random ?? defaultRandom,
    }) as PartyProtocol<KeyShare>;
  }

  reshare(params: ReshareParameters): PartyProtocol<KeyShare | null> {
    assertSessionId(params.sessionId);
    assertPartyId(params.party);
    const oldParties = normalizeParties(params.oldParties, 'old committee');
    const newParties = normalizeParties(params.newParties, 'new committee');
    assertThreshold(params.oldThreshold, oldParties.length);
    assertThreshold(params.newThreshold, newParties.length);
    if (!oldParties.includes(params.party) && !newParties.includes(params.party)) {
      throw new MpcError('INVALID_PARAMETERS', `party ${params.party} is in neither committee`);
    }
    const publicKey = pointFromBytes(params.publicKey);
    if (!Number.isInteger(params.version) || params.version < 0 || params.version >= 0xffffffff) {
      throw new MpcError('INVALID_PARAMETERS', 'version must be a u32 below 2^32 − 1');
    }
    let secret: bigint | null = null;
    let constants: Map<PartyId, Point> | null = null;
    let chainCode: Uint8Array | null = null;
    if (oldParties.includes(params.party)) {
      if (params.share === null) {
        throw new MpcError('INVALID_PARAMETERS', 'a member of the old committee must bring its share');
      }
      assertShare(params.share);
      const share = params.share;
      if (
        share.party !== params.party ||
        !equalBytes(share.publicKey, params.publicKey) ||
        share.version !== params.version ||
        share.threshold !== params.oldThreshold ||
        share.parties.join(',') !== oldParties.join(',')
      ) {
        throw new MpcError(
          'KEY_MISMATCH',
          'share does not match the old committee, threshold, key or version',
        );
      }
      ({ secret, constants } = dealing(share, oldParties));
      chainCode = share.chainCode;
    } else if (params.share !== null) {
      throw new MpcError('INVALID_PARAMETERS', 'a joining party has no share');
    }
    return new KeySharing({
      protocol: PROTOCOL.reshare,
      sessionId: params.sessionId,
      party: params.party,
      dealers: oldParties,
      receivers: newParties,
      threshold: params.newThreshold,
      version: params.version + 1,
      secret,
      expectedPublicKey: publicKey,
      dealerConstants: constants,
      chainCode,
      random: params.random ?? defaultRandom,
    });
  }

  #setup(
    params: {
      sessionId: Uint8Array;
      share: KeyShare;
      signers: readonly PartyId[];
      derivationPath?: readonly number[];
      random?: SignParameters['random'];
    },
    protocol: string,
    extra: Uint8Array,
  ): SigningSetup {
    assertSessionId(params.sessionId);
    assertShare(params.share);
    const share = params.share;
    const list = signers(share, params.signers);
    const path = params.derivationPath ?? [];
    assertDerivationPath(path);
    let tweak = 0n;
    let publicKey = share.publicKey;
    if (path.length > 0) {
      const child = this.derive({ publicKey: share.publicKey, chainCode: share.chainCode, path });
      tweak = scalarFromBytes(child.tweak, true);
      publicKey = child.publicKey;
    }
    return {
      share,
      signers: list,
      sessionId: params.sessionId,
      protocol,
      tweak,
      publicKey,
      extra,
      random: params.random ?? defaultRandom,
    };
  }

  sign(params: SignParameters): PartyProtocol<Signature> {
    assertMessageHash(params.message);
    return new Dkls23Sign(this.#setup(params, PROTOCOL.sign, params.message), params.message);
  }

  presign(params: PresignParameters): PartyProtocol<Presignature> {
    return new Dkls23Presign(this.#setup(params, PROTOCOL.presign, new Uint8Array(0)));
  }

  signWithPresignature(params: SignWithPresignatureParameters): PartyProtocol<Signature> {
    assertMessageHash(params.message);
    assertShare(params.share);
    const presignature = params.presignature;
    if (!(presignature instanceof Dkls23Presignature)) {
      throw new MpcError('INVALID_PARAMETERS', 'not a DKLs23 presignature');
    }
    if (presignature.consumed) {
      throw new MpcError(
        'PRESIGNATURE_REUSED',
        `presignature ${presignature.id} was already used or discarded`,
      );
    }
    if (
      presignature.keyId !== params.share.keyId ||
      presignature.version !== params.share.version ||
      presignature.party !== params.share.party
    ) {
      throw new MpcError('KEY_MISMATCH', 'presignature belongs to another key, share generation or party');
    }
    return new Dkls23Online({
      sessionId: params.sessionId,
      protocol: PROTOCOL.online,
      presignature,
      message: params.message,
    });
  }

  verify(params: { publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }): boolean {
    try {
      if (params.message.length !== 32 || params.signature.length !== 64) return false;
      return secp256k1.verify(params.signature, params.message, params.publicKey, {
        prehash: false,
        lowS: true,
      });
    } catch {
      return false;
    }
  }

  derive(params: DeriveParameters): DerivedKey {
    return deriveChild(params);
  }
}

export const dkls23 = new Dkls23Scheme();
