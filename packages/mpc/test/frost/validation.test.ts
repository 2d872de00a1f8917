// Every decoder rejects malformed input with a typed error, and a peer sending malformed or
// invalid values is named as the culprit.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  faults,
  frost,
  frostEd25519,
  frostSecp256k1,
  frostTaproot,
  InMemoryRouter,
  KeyShare,
  MpcError,
  type PartyId,
  ProtocolAbortError,
  runProtocol,
  Writer,
} from '@cairn/mpc';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { runDkg } from '../threshold-scheme.suite.ts';
import { code, ED_IDENTITY, ED_NON_CANONICAL, ED_OFF_CURVE, ED_SMALL_ORDER, suites } from './fixtures.ts';

const sid = () => new Uint8Array(randomBytes(32));
/** A payload edit writing `bytes` at `offset`. */
const put = (bytes: Uint8Array, offset: number) => (p: Uint8Array) => {
  p.set(bytes, offset);
  return p;
};

describe('FROST element and scalar decoding', () => {
  for (const suite of suites) {
    describe(suite.scheme, () => {
      const G = suite.serializeElement(suite.Point.BASE);
      it('elements: wrong length → INVALID_LENGTH', () => {
        for (const bad of [new Uint8Array(0), G.subarray(1), new Uint8Array([...G, 0])]) {
          assert.throws(() => suite.deserializeElement(bad), code('INVALID_LENGTH'));
          assert.throws(() => suite.deserializeElementFast(bad), code('INVALID_LENGTH'));
        }
      });
      it('elements: off-curve, non-canonical and identity → INVALID_POINT', () => {
        const bad =
          suite.elementLength === 32
            ? [ED_NON_CANONICAL, ED_IDENTITY, ED_OFF_CURVE]
            : [
                new Uint8Array(33), // identity / bad prefix
                hexToBytes(`04${bytesToHex(G.subarray(1))}`), // uncompressed prefix on 33 bytes
                hexToBytes(`02${'ff'.repeat(32)}`), // x >= p
                hexToBytes(`02${'00'.repeat(31)}05`), // x = 5: x^3 + 7 = 132 is not a square mod p
              ];
        for (const b of bad) {
          assert.throws(() => suite.deserializeElement(b), code('INVALID_POINT'), bytesToHex(b));
          assert.throws(() => suite.deserializeElementFast(b), code('INVALID_POINT'), bytesToHex(b));
        }
        assert.throws(() => suite.serializeElement(suite.Point.ZERO), code('INVALID_POINT'));
      });
      it('scalars: wrong length, zero, >= order', () => {
        const n = suite.Fn.ORDER;
        const enc = (x: bigint) => {
          const be = hexToBytes(x.toString(16).padStart(64, '0'));
          return suite.Fn.isLE ? be.reverse() : be;
        };
        assert.throws(() => suite.deserializeScalar(new Uint8Array(31)), code('INVALID_LENGTH'));
        assert.throws(() => suite.deserializeScalar(new Uint8Array(33)), code('INVALID_LENGTH'));
        assert.throws(() => suite.deserializeScalar(new Uint8Array(32)), code('ZERO_SCALAR'));
        assert.equal(suite.deserializeScalar(new Uint8Array(32), { allowZero: true }), 0n);
        assert.throws(() => suite.deserializeScalar(enc(n)), code('OUT_OF_RANGE'));
        assert.throws(() => suite.deserializeScalar(enc(2n ** 256n - 1n)), code('OUT_OF_RANGE'));
        assert.equal(suite.deserializeScalar(enc(n - 1n)), n - 1n);
      });
      it('group public keys', () => {
        const pk = suite.encodePublicKey(suite.Point.BASE);
        assert.throws(() => suite.decodePublicKey(pk.subarray(1)), code('INVALID_LENGTH'));
        const offCurve = suite.xOnly
          ? hexToBytes(`${'00'.repeat(31)}05`)
          : suite.elementLength === 32
            ? ED_OFF_CURVE
            : hexToBytes(`02${'00'.repeat(31)}05`);
        assert.throws(() => suite.decodePublicKey(offCurve), code('INVALID_POINT'));
        if (suite.xOnly)
          assert.throws(() => suite.decodePublicKey(new Uint8Array(32).fill(0xff)), code('INVALID_POINT'));
      });
    });
  }

  it('Ed25519: points outside the prime-order subgroup are rejected by full decoding', () => {
    const s = frost.ed25519Suite;
    assert.throws(() => s.deserializeElement(ED_SMALL_ORDER), code('INVALID_POINT'));
    const mixed = ed25519.Point.BASE.add(ed25519.Point.fromBytes(ED_SMALL_ORDER)).toBytes();
    assert.throws(() => s.deserializeElement(mixed), code('INVALID_POINT'));
    assert.throws(() => s.decodePublicKey(mixed), code('INVALID_POINT'));
    // The fast decoder defers this check to the exact final equation (see next test).
    assert.doesNotThrow(() => s.deserializeElementFast(mixed));
  });

  it('Ed25519: a commitment with a torsion component is caught at aggregation and blamed', () => {
    const suite = frost.ed25519Suite;
    const { Fn } = suite;
    const secret = 123456789n;
    // Shamir shares of `secret` for parties 1, 2 (t = 2) with a fixed slope.
    const shares = new Map<PartyId, bigint>([
      [1, Fn.add(secret, 7n)],
      [2, Fn.add(secret, 14n)],
    ]);
    const PK = suite.Point.BASE.multiply(secret);
    const key = frost.plainSigningKey(suite, PK);
    const T = ed25519.Point.fromBytes(ED_SMALL_ORDER) as unknown as frost.GroupElement;
    const rounds = [1, 2].map((id) =>
      frost.commit({
        suite,
        identifier: id,
        signingShare: shares.get(id)!,
        hidingRandomness: new Uint8Array(32).fill(id),
        bindingRandomness: new Uint8Array(32).fill(id + 10),
      }),
    );
    const entries = rounds.map((r) => ({ ...r.commitment, D: r.points.hiding, E: r.points.binding }));
    // Signer 2 publishes D_2 + T (consistently to everyone).
    const D2 = entries[1]!.D.add(T);
    entries[1] = { ...entries[1]!, D: D2, hiding: D2.toBytes() };
    const prepared = frost.prepareSigning(suite, key, entries, new Uint8Array(1));
    const z = rounds.map((r, i) =>
      frost.computeSignatureShare(suite, prepared, i + 1, r.nonces, shares.get(i + 1)!),
    );
    assert.throws(
      () =>
        frost.aggregateShares({
          suite,
          key,
          prepared,
          shares: z,
          verifyingShare: (id) => suite.Point.BASE.multiply(shares.get(id)!),
        }),
      (e: unknown) => e instanceof ProtocolAbortError && e.code === 'INVALID_SHARE' && e.culprit === 2,
    );
  });
});

describe('FROST protocol messages with invalid values name the sender', () => {
  const schemes = [frostEd25519, frostSecp256k1, frostTaproot];
  for (const scheme of schemes) {
    const suite = scheme.suite;
    const shares = runDkg(scheme, 2, [1, 2, 3]);
    const runSignWith = (router: InMemoryRouter) => {
      const s = sid();
      return runProtocol({
        router,
        parties: [1, 3].map((p) =>
          scheme.sign({ sessionId: s, share: shares.get(p)!, signers: [1, 3], message: new Uint8Array(8) }),
        ),
      });
    };
    const expectAbort = (router: InMemoryRouter, expected: string, culprit: PartyId | null) =>
      assert.throws(
        () => runSignWith(router),
        (e: unknown) => {
          assert.ok(e instanceof ProtocolAbortError, String(e));
          assert.equal(e.code, expected, e.message);
          assert.equal(e.culprit, culprit);
          return true;
        },
      );
    const Ne = suite.elementLength;
    const Ns = suite.scalarLength;
    const order = hexToBytes(suite.Fn.ORDER.toString(16).padStart(64, '0'));
    const orderBytes = suite.Fn.isLE ? order.reverse() : order;

    it(`${scheme.id}: off-curve commitment → INVALID_POINT, blamed on the sender`, () => {
      const bad = suite.elementLength === 32 ? ED_OFF_CURVE : hexToBytes(`02${'00'.repeat(31)}05`);
      expectAbort(
        new InMemoryRouter({ faults: [faults.tamper({ round: 1, from: 3 }, put(bad, 32))] }),
        'INVALID_POINT',
        3,
      );
    });
    it(`${scheme.id}: identity commitment → INVALID_POINT`, () => {
      const id = suite.elementLength === 32 ? ED_IDENTITY : new Uint8Array(33);
      expectAbort(
        new InMemoryRouter({
          faults: [faults.tamper({ round: 1, from: 1 }, put(id, 32 + Ne))],
        }),
        'INVALID_POINT',
        1,
      );
    });
    it(`${scheme.id}: wrong-length round-1 message → MALFORMED_MESSAGE`, () => {
      expectAbort(
        new InMemoryRouter({ faults: [faults.tamper({ round: 1, from: 3 }, (p) => p.subarray(0, 32 + Ne))] }),
        'MALFORMED_MESSAGE',
        3,
      );
    });
    it(`${scheme.id}: zero, out-of-range and invalid signature shares`, () => {
      expectAbort(
        new InMemoryRouter({ faults: [faults.tamper({ round: 2, from: 1 }, (p) => p.fill(0, 32))] }),
        'ZERO_SCALAR',
        1,
      );
      expectAbort(
        new InMemoryRouter({
          faults: [faults.tamper({ round: 2, from: 3 }, put(orderBytes, 32))],
        }),
        'OUT_OF_RANGE',
        3,
      );
      // A valid scalar that is not the right share: found by §5.4 share verification.
      const one = new Uint8Array(Ns);
      one[suite.Fn.isLE ? 0 : Ns - 1] = 1;
      expectAbort(
        new InMemoryRouter({ faults: [faults.tamper({ round: 2, from: 3 }, put(one, 32))] }),
        'INVALID_SHARE',
        3,
      );
    });
    it(`${scheme.id}: DKG share that does not match the commitments → INVALID_SHARE, blamed`, () => {
      const s = sid();
      const one = new Uint8Array(Ns);
      one[suite.Fn.isLE ? 0 : Ns - 1] = 1;
      assert.throws(
        () =>
          runProtocol({
            router: new InMemoryRouter({
              faults: [faults.tamper({ round: 2, from: 2, to: 1 }, put(one, 32))],
            }),
            parties: [1, 2, 3].map((party) =>
              scheme.dkg({ sessionId: s, party, parties: [1, 2, 3], threshold: 2 }),
            ),
          }),
        (e: unknown) => e instanceof ProtocolAbortError && e.code === 'INVALID_SHARE' && e.culprit === 2,
      );
    });
    it(`${scheme.id}: DKG proof of knowledge that fails → INVALID_PROOF, blamed`, () => {
      const s = sid();
      assert.throws(
        () =>
          runProtocol({
            router: new InMemoryRouter({ faults: [faults.flipBit({ round: 1, from: 3 }, 3 * Ne + Ns - 2)] }),
            parties: [1, 2, 3].map((party) =>
              scheme.dkg({ sessionId: s, party, parties: [1, 2, 3], threshold: 2 }),
            ),
          }),
        (e: unknown) => e instanceof ProtocolAbortError && e.code === 'INVALID_PROOF' && e.culprit === 3,
      );
    });
  }
});

describe('FROST key shares', () => {
  const share = runDkg(frostSecp256k1, 2, [1, 2, 3]).get(1)!;
  const rebuild = (edit: Partial<ConstructorParameters<typeof KeyShare>[0]>) =>
    new KeyShare({
      scheme: share.scheme,
      version: share.version,
      party: share.party,
      parties: share.parties,
      threshold: share.threshold,
      publicKey: share.publicKey,
      chainCode: share.chainCode,
      publicState: share.publicState,
      secretState: share.secretBytes(),
      ...edit,
    });
  const signWith = (s: KeyShare) =>
    frostSecp256k1.sign({ sessionId: sid(), share: s, signers: [1, 2], message: new Uint8Array(1) });

  it('round-trips canonically and signs after deserialization', () => {
    const again = KeyShare.deserialize(share.serialize());
    assert.deepEqual(again.serialize(), share.serialize());
    assert.doesNotThrow(() => signWith(again));
  });
  it('a share of another scheme is refused', () => {
    assert.throws(
      () => frostTaproot.sign({ sessionId: sid(), share, signers: [1, 2], message: new Uint8Array(1) }),
      code('KEY_MISMATCH'),
    );
  });
  it('a corrupted signing share, verifying share or group key is refused with a typed error', () => {
    const secret = share.secretBytes();
    secret[secret.length - 1]! ^= 1;
    assert.throws(() => signWith(rebuild({ secretState: secret })), code('KEY_MISMATCH'));
    const zero = new Writer().string('cairn/frost-secret/v1').fixed(new Uint8Array(32), 32).finish();
    assert.throws(() => signWith(rebuild({ secretState: zero })), code('ZERO_SCALAR'));
    const pub = share.publicState.slice();
    pub[pub.length - 1]! ^= 1;
    assert.throws(() => signWith(rebuild({ publicState: pub })), MpcError);
    assert.throws(
      () => signWith(rebuild({ publicKey: share.publicKey.subarray(1) })),
      code('INVALID_LENGTH'),
    );
    assert.throws(() => signWith(rebuild({ publicState: pub.subarray(0, 10) })), code('MALFORMED_MESSAGE'));
  });
});
