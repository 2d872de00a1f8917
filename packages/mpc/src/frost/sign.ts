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
// The rounds themselves live in signing-rounds.ts, shared with the preprocessing variant
// (presign.ts).
import { randomBytes } from '@noble/hashes/utils.js';
import { MpcError } from '../errors.ts';
import type { PartyId } from '../party.ts';
import { type Outgoing, RoundProtocol } from '../protocol.ts';
import type { Signature, SignParameters } from '../scheme.ts';
import type { Ciphersuite } from './ciphersuite.ts';
import { loadKeyState } from './key-package.ts';
import {
  CommitmentRound,
  checkSigners,
  sessionContext,
  ShareRound,
  signingKeyFor,
  tweakField,
} from './signing-rounds.ts';

export class FrostSignProtocol extends RoundProtocol<Signature> {
  readonly #signers: readonly PartyId[];
  readonly #commitments: CommitmentRound;
  readonly #shares: ShareRound;

  constructor(suite: Ciphersuite, params: SignParameters) {
    const state = loadKeyState(suite, params.share);
    const share = params.share;
    const signers = checkSigners(share, params.signers);
    if (!(params.message instanceof Uint8Array))
      throw new MpcError('INVALID_PARAMETERS', 'message must be bytes');
    if (params.derivationPath !== undefined && params.derivationPath.length > 0) {
      throw new MpcError('UNSUPPORTED', 'FROST keys do not support BIP-32 derivation');
    }
    const root = params.taprootMerkleRoot;
    const key = signingKeyFor(suite, state, root);
    super({
      party: share.party,
      sessionId: params.sessionId,
      protocol: `${suite.scheme}/sign`,
      peers: signers,
    });
    const message = params.message.slice();
    const context = sessionContext('cairn/frost/sign-context/v1', suite, state, this.sessionId, signers, [
      message,
      tweakField(root),
    ]);
    this.#signers = signers;
    this.#commitments = new CommitmentRound({ suite, state, context, random: params.random ?? randomBytes });
    this.#shares = new ShareRound({ suite, state, key, message, context });
  }

  protected begin(): Outgoing[] {
    const payload = this.#commitments.start();
    this.expect(1, this.#signers, 'broadcast');
    return [{ to: null, payload }];
  }

  protected onRound(round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    if (round === 1) {
      const { entries, nonces } = this.#commitments.complete(inbox);
      const payload = this.#shares.start(entries, nonces);
      this.expect(2, this.#signers, 'broadcast');
      return [{ to: null, payload }];
    }
    this.finish(this.#shares.complete(inbox));
    return [];
  }
}
