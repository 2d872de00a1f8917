// Signing round 1 sends each nonce commitment with its missing affine coordinate (a "hint") so
// that receivers decode without a square root. The hinted decoder must accept exactly what the
// compressed decoder accepts, and only with the one matching hint.
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
  ProtocolAbortError,
  runProtocol,
} from '@cairn/mpc';
import { ed25519 } from '@noble/curves/ed25519.js';
import { code, ED_IDENTITY, ED_NON_CANONICAL, ED_SMALL_ORDER, suites } from './fixtures.ts';

describe('hinted element decoding', () => {
  for (const suite of suites) {
    const { Fn } = suite;
    const randomPoint = () =>
      suite.Point.BASE.multiply(Fn.create(BigInt(`0x${Buffer.from(randomBytes(48)).toString('hex')}`)) || 1n);

    it(`${suite.scheme}: matches the compressed decoder on random points, with either parity`, () => {
      for (let i = 0; i < 24; i++) {
        const p = i % 2 === 0 ? randomPoint() : randomPoint().negate();
        const bytes = suite.serializeElement(p);
        const q = suite.deserializeElementHinted(bytes, suite.elementHint(p));
        assert.ok(q.equals(p));
        assert.ok(q.equals(suite.deserializeElementFast(bytes)));
        assert.deepEqual(q.toBytes(), bytes);
      }
    });

    it(`${suite.scheme}: refuses every hint but the matching one`, () => {
      const p = randomPoint();
      const bytes = suite.serializeElement(p);
      const hint = suite.elementHint(p);
      // The other root (−x for Ed25519, −y for secp256k1): wrong parity.
      assert.throws(
        () => suite.deserializeElementHinted(bytes, suite.elementHint(p.negate())),
        code('INVALID_POINT'),
      );
      // Another coordinate with the right parity: off the curve.
      const bumped = hint.slice();
      bumped[suite.Fn.isLE ? 0 : 31]! ^= 2;
      assert.throws(() => suite.deserializeElementHinted(bytes, bumped), code('INVALID_POINT'));
      // Not reduced modulo p.
      assert.throws(
        () => suite.deserializeElementHinted(bytes, new Uint8Array(32).fill(0xff)),
        code('INVALID_POINT'),
      );
      // Wrong lengths.
      assert.throws(() => suite.deserializeElementHinted(bytes, hint.subarray(1)), code('INVALID_LENGTH'));
      assert.throws(() => suite.deserializeElementHinted(bytes.subarray(1), hint), code('INVALID_LENGTH'));
    });
  }

  it('Ed25519: identity and non-canonical y are refused; a torsion point is treated like the fast decoder', () => {
    const s = frost.ed25519Suite;
    assert.throws(() => s.deserializeElementHinted(ED_IDENTITY, new Uint8Array(32)), code('INVALID_POINT'));
    // y = p (non-canonical y = 0), with the x of the point y = 0.
    const x0 = ed25519.Point.fromBytes(new Uint8Array(32)).toAffine().x;
    assert.throws(
      () => s.deserializeElementHinted(ED_NON_CANONICAL, ed25519.Point.Fp.toBytes(x0)),
      code('INVALID_POINT'),
    );
    // x = 0 with the sign bit set (strict RFC 8032 refuses it): y = −1 has x = 0.
    const minusOne = ed25519.Point.Fp.toBytes(ed25519.Point.Fp.neg(1n));
    minusOne[31]! |= 0x80;
    assert.throws(() => s.deserializeElementHinted(minusOne, new Uint8Array(32)), code('INVALID_POINT'));
    // A point with a torsion component decodes (its subgroup check is deferred, as with
    // deserializeElementFast; see docs/frost.md) and still fails the full decoder.
    const mixed = ed25519.Point.BASE.add(ed25519.Point.fromBytes(ED_SMALL_ORDER));
    const bytes = mixed.toBytes();
    assert.ok(
      s.deserializeElementHinted(bytes, ed25519.Point.Fp.toBytes(mixed.toAffine().x)).equals(mixed as never),
    );
    assert.throws(() => s.deserializeElement(bytes), code('INVALID_POINT'));
  });

  for (const scheme of [frostEd25519, frostSecp256k1, frostTaproot]) {
    it(`${scheme.id}: a tampered hint in DKG round 1 aborts, blaming the sender`, () => {
      const { elementLength, scalarLength } = scheme.suite;
      // t = 2: C_0, C_1, R, μ, then the hints of C_0, C_1, R.
      for (const hint of [0, 1, 2]) {
        const offset = 3 * elementLength + scalarLength + 32 * hint + 5;
        const sessionId = new Uint8Array(randomBytes(32));
        assert.throws(
          () =>
            runProtocol({
              router: new InMemoryRouter({ faults: [faults.flipBit({ round: 1, from: 3 }, offset, 1)] }),
              parties: [1, 2, 3].map((party) =>
                scheme.dkg({ sessionId, party, parties: [1, 2, 3], threshold: 2 }),
              ),
            }),
          (e: unknown) => e instanceof ProtocolAbortError && e.code === 'INVALID_POINT' && e.culprit === 3,
        );
      }
    });

    it(`${scheme.id}: a tampered hint in signing round 1 aborts, blaming the sender`, () => {
      const sessionId = new Uint8Array(randomBytes(32));
      const shares = runProtocol({
        parties: [1, 2, 3].map((party) => scheme.dkg({ sessionId, party, parties: [1, 2, 3], threshold: 2 })),
      });
      const { elementLength } = scheme.suite;
      for (const offset of [32 + 2 * elementLength, 32 + 2 * elementLength + 32 + 31]) {
        const s = new Uint8Array(randomBytes(32));
        assert.throws(
          () =>
            runProtocol({
              router: new InMemoryRouter({ faults: [faults.flipBit({ round: 1, from: 2 }, offset, 0)] }),
              parties: [1, 2].map((p) =>
                scheme.sign({
                  sessionId: s,
                  share: shares.get(p)!,
                  signers: [1, 2],
                  message: new Uint8Array(4),
                }),
              ),
            }),
          (e: unknown) => e instanceof ProtocolAbortError && e.code === 'INVALID_POINT' && e.culprit === 2,
        );
      }
    });
  }
});
