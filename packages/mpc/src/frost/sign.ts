// Two-round FROST signing between peers, without a trusted coordinator (RFC 9591 §5 with every
// signer acting as its own coordinator).
//   round 1 (broadcast): session context hash, hiding and binding nonce commitments (§5.1),
//                        and their hints (the other affine coordinate: no square root to decode)
//   round 2 (broadcast): hash of the commitment list used, signature share (§5.2)
//   then every signer aggregates (§5.3) and verifies the signature; only if it fails are the
//   shares verified one by one (§5.4) to name the signer whose share is invalid.
// The session context binds session id, scheme, key, share version, committee, threshold,
// signer set, the verifying-share set and the message, so shares of different generations
// (after refresh or reshare) can never combine: they abort with KEY_MISMATCH in round 1.
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { encodeFields, equalBytes, Reader, Writer } from '../encoding.ts';
import { blame, MpcError, ProtocolAbortError } from '../errors.ts';
import { assertMember, normalizeParties, type PartyId } from '../party.ts';
import { type Outgoing, RoundProtocol } from '../protocol.ts';
import type { RandomBytes, Signature, SignParameters } from '../scheme.ts';
import { aggregateShares } from './aggregate.ts';
import type { Ciphersuite } from './ciphersuite.ts';
import { type FrostKeyState, loadKeyState } from './key-package.ts';
import { commit, type SigningNonces } from './round1.ts';
import {
  type CommitmentEntry,
  computeSignatureShare,
  effectiveSecret,
  type PreparedSigning,
  prepareSigning,
  type SigningKey,
  sortCommitments,
} from './round2.ts';
import { cachedTaprootSigningKey } from './taproot-tweak.ts';

const u16 = (n: number) => new Writer().u16(n).finish();

export class FrostSignProtocol extends RoundProtocol<Signature> {
  readonly #suite: Ciphersuite;
  readonly #state: FrostKeyState;
  readonly #signers: readonly PartyId[];
  readonly #message: Uint8Array;
  readonly #key: SigningKey;
  readonly #context: Uint8Array;
  readonly #random: RandomBytes;
  #nonces: SigningNonces | null = null;
  #own: CommitmentEntry | null = null;
  #prepared: PreparedSigning | null = null;
  #listHash: Uint8Array | null = null;
  #ownShare = 0n;

  constructor(suite: Ciphersuite, params: SignParameters) {
    const state = loadKeyState(suite, params.share);
    const share = params.share;
    const signers = normalizeParties(params.signers, 'signers');
    for (const s of signers) assertMember(s, share.parties, 'signer');
    assertMember(share.party, signers, 'this party (as signer)');
    if (signers.length < share.threshold) {
      throw new MpcError(
        'INVALID_PARAMETERS',
        `${signers.length} signers cannot sign for a ${share.threshold}-of-${share.parties.length} key`,
      );
    }
    if (!(params.message instanceof Uint8Array))
      throw new MpcError('INVALID_PARAMETERS', 'message must be bytes');
    if (params.derivationPath !== undefined && params.derivationPath.length > 0) {
      throw new MpcError('UNSUPPORTED', 'FROST keys do not support BIP-32 derivation');
    }
    const root = params.taprootMerkleRoot;
    if (root !== undefined && !suite.xOnly) {
      throw new MpcError('UNSUPPORTED', `${suite.scheme} has no Taproot tweak`);
    }
    super({
      party: share.party,
      sessionId: params.sessionId,
      protocol: `${suite.scheme}/sign`,
      peers: signers,
    });
    this.#suite = suite;
    this.#state = state;
    this.#signers = signers;
    this.#message = params.message.slice();
    this.#random = params.random ?? randomBytes;
    this.#key =
      root === undefined
        ? { PK: state.PK, PKElement: state.PKElement, keyTweak: 0n, keyNegated: false }
        : cachedTaprootSigningKey(suite, state.PK, root);
    this.#context = sha256(
      encodeFields('cairn/frost/sign-context/v1', [
        this.sessionId,
        new TextEncoder().encode(suite.scheme),
        share.publicKey,
        new Writer().u32(share.version).u16(share.threshold).finish(),
        new Writer().list(share.parties, (w, p) => w.u16(p)).finish(),
        new Writer().list(signers, (w, p) => w.u16(p)).finish(),
        state.verifyingSetHash,
        this.#message,
        root === undefined ? Uint8Array.of(0) : root === null ? Uint8Array.of(1) : Uint8Array.of(2, ...root),
      ]),
    );
  }

  protected begin(): Outgoing[] {
    const suite = this.#suite;
    const c = commit({
      suite,
      identifier: this.party,
      signingShare: this.#state.secret,
      hidingRandomness: this.#random(32),
      bindingRandomness: this.#random(32),
    });
    this.#nonces = c.nonces;
    this.#own = { ...c.commitment, D: c.points.hiding, E: c.points.binding };
    this.expect(1, this.#signers, 'broadcast');
    const payload = new Writer()
      .fixed(this.#context, 32)
      .fixed(c.commitment.hiding, suite.elementLength)
      .fixed(c.commitment.binding, suite.elementLength)
      .fixed(suite.elementHint(c.points.hiding), suite.hintLength)
      .fixed(suite.elementHint(c.points.binding), suite.hintLength)
      .finish();
    return [{ to: null, payload }];
  }

  protected onRound(round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    return round === 1 ? this.#round1(inbox) : this.#round2(inbox);
  }

  #round1(inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    const suite = this.#suite;
    const entries: CommitmentEntry[] = [this.#own!];
    for (const [from, payload] of inbox) {
      entries.push(
        blame(from, () => {
          const r = new Reader(payload);
          const context = r.fixed(32);
          const hiding = r.fixed(suite.elementLength);
          const binding = r.fixed(suite.elementLength);
          const hidingHint = r.fixed(suite.hintLength);
          const bindingHint = r.fixed(suite.hintLength);
          r.end();
          if (!equalBytes(context, this.#context)) {
            // Another key generation, signer set, message or session: not attributable.
            throw new ProtocolAbortError({
              code: 'KEY_MISMATCH',
              culprit: null,
              message: `party ${from} signs a different session context (key version, signers or message)`,
            });
          }
          // Subgroup membership (Ed25519) is implied by the exact final check; see aggregate.ts.
          const D = suite.deserializeElementHinted(hiding, hidingHint);
          const E = suite.deserializeElementHinted(binding, bindingHint);
          return { identifier: from, hiding, binding, D, E };
        }),
      );
    }
    const prepared = prepareSigning(suite, this.#key, sortCommitments(entries), this.#message, {
      identifier: this.party,
      nonces: this.#nonces!,
    });
    const secret = effectiveSecret(suite, this.#key, this.#state.secret);
    this.#ownShare = computeSignatureShare(suite, prepared, this.party, this.#nonces!, secret);
    this.#nonces = null; // single use
    this.#prepared = prepared;
    this.#listHash = sha256(
      encodeFields('cairn/frost/commitment-list/v1', [
        this.#context,
        prepared.commitmentListHash,
        u16(this.#signers.length),
      ]),
    );
    this.expect(2, this.#signers, 'broadcast');
    const payload = new Writer()
      .fixed(this.#listHash, 32)
      .fixed(suite.serializeScalar(this.#ownShare), suite.scalarLength)
      .finish();
    return [{ to: null, payload }];
  }

  #round2(inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    const suite = this.#suite;
    const prepared = this.#prepared!;
    const byParty = new Map<PartyId, bigint>([[this.party, this.#ownShare]]);
    for (const [from, payload] of inbox) {
      byParty.set(
        from,
        blame(from, () => {
          const r = new Reader(payload);
          const listHash = r.fixed(32);
          const z = r.fixed(suite.scalarLength);
          r.end();
          if (!equalBytes(listHash, this.#listHash!)) {
            // Someone saw a different commitment list: equivocation or tampering in round 1,
            // which this party cannot attribute.
            throw new ProtocolAbortError({
              code: 'INCONSISTENT_BROADCAST',
              culprit: null,
              message: `party ${from} signed over a different commitment list`,
            });
          }
          return suite.deserializeScalar(z);
        }),
      );
    }
    const { signature } = aggregateShares({
      suite,
      key: this.#key,
      prepared,
      shares: prepared.entries.map((e) => byParty.get(e.identifier)!),
      verifyingShare: (id) => this.#state.verifyingShare(id),
      detectedBy: this.party,
    });
    this.finish({ bytes: signature, publicKey: suite.encodePublicKey(this.#key.PK) });
    return [];
  }
}
