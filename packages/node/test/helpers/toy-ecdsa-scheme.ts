// TEST DOUBLE, INSECURE: a stand-in for a threshold ECDSA scheme with the real message flow
// (every party talks to every other through the node's transport) but no threshold security:
// the "DKG" sums broadcast contributions into one key every party knows. It lets the node's
// pipeline, runner and transport be tested in-process; it is registered only inside tests.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { randomBytes } from '@noble/hashes/utils.js';
import {
  equalBytes,
  KeyShare,
  type Outgoing,
  type PartyId,
  Reader,
  RoundProtocol,
  type Signature,
  type ThresholdScheme,
  Writer,
} from '@cairn/mpc';

const n = secp256k1.Point.CURVE().n;
const toScalar = (b: Uint8Array) => BigInt(`0x${Buffer.from(b).toString('hex')}`) % n;
const toBytes = (x: bigint) => Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'));

class ToyDkg extends RoundProtocol<KeyShare> {
  readonly #parties: readonly PartyId[];
  readonly #threshold: number;
  readonly #mine = toScalar(randomBytes(32));
  constructor(p: { sessionId: Uint8Array; party: PartyId; parties: readonly PartyId[]; threshold: number }) {
    super({ party: p.party, sessionId: p.sessionId, protocol: 'toy-ecdsa/dkg', peers: p.parties });
    this.#parties = p.parties;
    this.#threshold = p.threshold;
  }
  protected begin(): Outgoing[] {
    this.expect(1, this.#parties, 'broadcast');
    return [{ to: null, payload: toBytes(this.#mine) }];
  }
  protected onRound(_round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    let x = this.#mine;
    for (const [, p] of inbox) x = (x + toScalar(p)) % n;
    this.finish(
      new KeyShare({
        scheme: 'dkls23-secp256k1',
        version: 0,
        party: this.party,
        parties: this.#parties,
        threshold: this.#threshold,
        publicKey: secp256k1.getPublicKey(toBytes(x), true),
        chainCode: new Uint8Array(0),
        publicState: new Uint8Array(0),
        secretState: toBytes(x),
      }),
    );
    return [];
  }
}

class ToySign extends RoundProtocol<Signature> {
  readonly #share: KeyShare;
  readonly #signers: readonly PartyId[];
  readonly #message: Uint8Array;
  constructor(p: {
    sessionId: Uint8Array;
    share: KeyShare;
    signers: readonly PartyId[];
    message: Uint8Array;
  }) {
    super({ party: p.share.party, sessionId: p.sessionId, protocol: 'toy-ecdsa/sign', peers: p.signers });
    this.#share = p.share;
    this.#signers = p.signers;
    this.#message = p.message;
  }
  protected begin(): Outgoing[] {
    this.expect(1, this.#signers, 'broadcast');
    return [{ to: null, payload: new Writer().bytes(this.#message).finish() }];
  }
  protected onRound(_round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    for (const [from, p] of inbox) {
      const r = new Reader(p);
      if (!equalBytes(r.bytes(), this.#message))
        this.abort('INCONSISTENT_BROADCAST', from, 'different message');
    }
    const sig = secp256k1.sign(this.#message, this.#share.secretBytes(), {
      prehash: false,
      format: 'recovered',
    });
    this.finish({ bytes: sig.slice(1), recovery: sig[0]!, publicKey: this.#share.publicKey });
    return [];
  }
}

export const toyEcdsaScheme: ThresholdScheme = {
  id: 'dkls23-secp256k1',
  dkg: (p) => new ToyDkg(p),
  sign: (p) => new ToySign(p),
  refresh: () => {
    throw new Error('not in the toy');
  },
  reshare: () => {
    throw new Error('not in the toy');
  },
  verify: ({ publicKey, message, signature }) =>
    secp256k1.verify(signature, message, publicKey, { prehash: false }),
};
