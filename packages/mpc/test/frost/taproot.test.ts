// BIP-340 / BIP-341: x-only keys, key-path tweak, verified with noble's schnorr.verify.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  frost,
  frostEd25519,
  frostTaproot,
  type KeyShare,
  MpcError,
  type PartyId,
  runProtocol,
} from '@cairn/mpc';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { runDkg } from '../threshold-scheme.suite.ts';

const sid = () => new Uint8Array(randomBytes(32));
const dkg = (t: number, parties: number[]) => runDkg(frostTaproot, t, parties);
const sign = (shares: KeyShare[], message: Uint8Array, taprootMerkleRoot?: Uint8Array | null) => {
  const sessionId = sid();
  const signers = shares.map((s) => s.party);
  const out = runProtocol({
    parties: shares.map((share) =>
      frostTaproot.sign({ sessionId, share, signers, message, taprootMerkleRoot }),
    ),
  });
  return [...out.values()][0]!;
};

/** BIP-341 taproot_tweak_pubkey, written independently with noble's point API. */
function tweakPubkey(internal: Uint8Array, merkleRoot: Uint8Array | null): Uint8Array {
  const t = BigInt(
    `0x${bytesToHex(schnorr.utils.taggedHash('TapTweak', internal, merkleRoot ?? new Uint8Array(0)))}`,
  );
  const P = schnorr.utils.lift_x(BigInt(`0x${bytesToHex(internal)}`));
  return P.add(secp256k1.Point.BASE.multiply(t)).toBytes(true).subarray(1);
}

describe('frost-taproot: BIP-340 keys and BIP-341 key-path tweak', () => {
  it('matches the BIP-341 wallet test vectors for the tweak', () => {
    const cases = [
      {
        internal: 'd6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d',
        root: null,
        tweak: 'b86e7be8f39bab32a6f2c0443abbc210f0edac0e2c53d501b36b64437d9c6c70',
        output: '53a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343',
      },
      {
        internal: '187791b6f712a8ea41c8ecdd0ee77fab3e85263b37e1ec18a3651926b3a6cf27',
        root: '5b75adecf53548f3ec6ad7d78383bf84cc57b55a3127c72b9a2481752dd88b21',
        tweak: 'cbd8679ba636c1110ea247542cfbd964131a6be84f873f7f3b62a777528ed001',
        output: '147c9c57132f6e7ecddba9800bb0c4449251c92a1e60371ee77557b6620f3ea3',
      },
    ];
    const suite = frost.taprootSuite;
    for (const c of cases) {
      const P = suite.decodePublicKey(hexToBytes(c.internal));
      const root = c.root === null ? null : hexToBytes(c.root);
      assert.equal(frost.taprootTweak(suite, P, root).toString(16).padStart(64, '0'), c.tweak);
      assert.equal(bytesToHex(suite.encodePublicKey(frost.taprootSigningKey(suite, P, root).PK)), c.output);
    }
  });

  it('group keys are x-only and even; untweaked signatures verify with schnorr.verify', () => {
    const shares = dkg(2, [1, 2, 3]);
    const pk = shares.get(1)!.publicKey;
    assert.equal(pk.length, 32);
    const msg = new Uint8Array(randomBytes(32));
    const sig = sign([shares.get(1)!, shares.get(2)!], msg);
    assert.equal(sig.bytes.length, 64);
    assert.deepEqual(sig.publicKey, pk);
    assert.ok(schnorr.verify(sig.bytes, msg, pk));
  });

  it('tweaked signatures (no script tree, and a Merkle root) verify under the output key Q', () => {
    // Several keys so both parities of Q (and of R) occur.
    for (let i = 0; i < 4; i++) {
      const shares = dkg(2, [1, 2, 3]);
      const P = shares.get(1)!.publicKey;
      for (const root of [null, new Uint8Array(randomBytes(32))]) {
        const msg = new Uint8Array(randomBytes(32));
        const sig = sign([shares.get(3)!, shares.get(1)!], msg, root);
        const Q = tweakPubkey(P, root);
        assert.deepEqual(sig.publicKey, Q, 'Signature.publicKey is x(Q)');
        assert.ok(schnorr.verify(sig.bytes, msg, Q), 'verifies under Q');
        assert.ok(!schnorr.verify(sig.bytes, msg, P), 'does not verify under the internal key');
      }
    }
  });

  it('repeated signing for one output key (cached tweaked key with its precomputed table) verifies', () => {
    const shares = dkg(2, [1, 2, 3]);
    const P = shares.get(1)!.publicKey;
    for (const root of [null, new Uint8Array(32).fill(7)]) {
      const Q = tweakPubkey(P, root);
      for (let i = 0; i < 4; i++) {
        const msg = new Uint8Array(randomBytes(32));
        const sig = sign([shares.get(i % 2 === 0 ? 1 : 3)!, shares.get(2)!], msg, root);
        assert.deepEqual(sig.publicKey, Q);
        assert.ok(schnorr.verify(sig.bytes, msg, Q));
      }
    }
  });

  it('a 3-of-5 key with a tweak, signers in any order', () => {
    const shares = dkg(3, [1, 2, 3, 4, 5]);
    const root = new Uint8Array(randomBytes(32));
    const msg = new TextEncoder().encode('any length message');
    const sig = sign(
      [5, 2, 4].map((p) => shares.get(p)!),
      msg,
      root,
    );
    assert.ok(schnorr.verify(sig.bytes, msg, tweakPubkey(shares.get(1)!.publicKey, root)));
  });

  it('signers must agree on the tweak: different Merkle roots abort', () => {
    const shares = dkg(2, [1, 2, 3]);
    const sessionId = sid();
    const msg = new Uint8Array(32);
    const parties = [1, 2].map((p: PartyId, i) =>
      frostTaproot.sign({
        sessionId,
        share: shares.get(p)!,
        signers: [1, 2],
        message: msg,
        taprootMerkleRoot: i === 0 ? null : new Uint8Array(32),
      }),
    );
    assert.throws(
      () => runProtocol({ parties }),
      (e: unknown) => e instanceof MpcError && e.code === 'KEY_MISMATCH',
    );
  });

  it('rejects a malformed Merkle root, and a tweak on a non-BIP-340 scheme', () => {
    const shares = dkg(2, [1, 2, 3]);
    const base = { sessionId: sid(), share: shares.get(1)!, signers: [1, 2], message: new Uint8Array(32) };
    assert.throws(
      () => frostTaproot.sign({ ...base, taprootMerkleRoot: new Uint8Array(31) }),
      (e: unknown) => e instanceof MpcError && e.code === 'INVALID_LENGTH',
    );
    const ed = runDkg(frostEd25519, 2, [1, 2, 3]);
    assert.throws(
      () =>
        frostEd25519.sign({
          sessionId: sid(),
          share: ed.get(1)!,
          signers: [1, 2],
          message: new Uint8Array(1),
          taprootMerkleRoot: null,
        }),
      (e: unknown) => e instanceof MpcError && e.code === 'UNSUPPORTED',
    );
  });
});
