// FROST with preprocessing (RFC 9591 §5.1 round one ahead of the message): presign then the
// online share round, for every suite. Presignatures are single use, bound to key, share
// generation, party, signer set and presign session; every fault in the presign or online
// round ends in an abort or a timeout, never in a returned signature that does not verify.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  faults,
  frost,
  type FrostScheme,
  frostEd25519,
  frostSecp256k1,
  frostTaproot,
  InMemoryRouter,
  type KeyShare,
  MpcError,
  type PartyId,
  type Presignature,
  ProtocolAbortError,
  runProtocol,
  type Signature,
} from '@cairn/mpc';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import {
  expectFailure,
  faultCases,
  runDkg,
  runRefresh,
  sessionId as sid,
  subsets,
} from '../threshold-scheme.suite.ts';
import { ED_SMALL_ORDER } from './fixtures.ts';

const msg = () => new Uint8Array(randomBytes(40));

const suites: { scheme: FrostScheme; verify: (pk: Uint8Array, m: Uint8Array, sig: Uint8Array) => boolean }[] =
  [
    {
      scheme: frostEd25519,
      verify: (pk, m, sig) => ed25519.verify(sig, m, pk, { zip215: false }),
    },
    { scheme: frostSecp256k1, verify: (pk, m, sig) => secp256k1_FROST.verify(sig, m, pk) },
    { scheme: frostTaproot, verify: (pk, m, sig) => schnorr.verify(sig, m, pk) },
  ];

function presign(scheme: FrostScheme, shares: readonly KeyShare[], router?: InMemoryRouter) {
  const sessionId = sid();
  const signers = shares.map((s) => s.party);
  return runProtocol<Presignature>({
    router,
    parties: shares.map((share) => scheme.presign({ sessionId, share, signers })),
  });
}

function online(
  scheme: FrostScheme,
  shares: readonly KeyShare[],
  pre: ReadonlyMap<PartyId, Presignature>,
  message: Uint8Array,
  router?: InMemoryRouter,
  taprootMerkleRoot?: Uint8Array | null,
) {
  const sessionId = sid();
  const parties = shares.map((share) =>
    scheme.signWithPresignature({
      sessionId,
      share,
      presignature: pre.get(share.party)!,
      message,
      ...(taprootMerkleRoot === undefined ? {} : { taprootMerkleRoot }),
    }),
  );
  return { parties, run: () => runProtocol<Signature>({ parties, router }) };
}

const isCode = (code: string) => (e: unknown) => e instanceof MpcError && e.code === code;

for (const { scheme, verify } of suites) {
  describe(`${scheme.id}: presignatures (preprocessing)`, () => {
    const shares = runDkg(scheme, 2, [1, 2, 3]);
    const publicKey = shares.get(1)!.publicKey;
    const pick = (ids: readonly PartyId[]) => ids.map((p) => shares.get(p)!);
    const checkSigned = (outputs: Map<PartyId, Signature>, message: Uint8Array) => {
      assert.ok(outputs.size > 0);
      const all = new Set([...outputs.values()].map((s) => Buffer.from(s.bytes).toString('hex')));
      assert.equal(all.size, 1, 'every signer returns the same signature');
      for (const s of outputs.values()) {
        assert.deepEqual(s.publicKey, publicKey);
        assert.ok(verify(publicKey, message, s.bytes), 'verifies with the standard verifier');
        assert.ok(scheme.verify({ publicKey, message, signature: s.bytes }));
      }
    };

    it('every t-subset of (2,3) and a (3,5) committee sign with presignatures', () => {
      for (const subset of subsets([1, 2, 3], 2)) {
        const pre = presign(scheme, pick(subset));
        const first = pre.get(subset[0]!)!;
        for (const p of pre.values()) {
          assert.equal(p.id, first.id, 'every signer names the same presignature');
          assert.equal(p.scheme, scheme.id);
          assert.deepEqual([...p.signers], subset);
          assert.equal(p.consumed, false);
          assert.ok(!JSON.stringify(p).includes('nonce'));
        }
        const message = msg();
        checkSigned(online(scheme, pick(subset), pre, message).run(), message);
        for (const p of pre.values()) assert.equal(p.consumed, true);
      }
      const wide = runDkg(scheme, 3, [1, 2, 3, 4, 5]);
      const signers = [2, 4, 5].map((p) => wide.get(p)!);
      const message = msg();
      const outputs = online(scheme, signers, presign(scheme, signers), message).run();
      const sig = [...outputs.values()][0]!;
      assert.ok(verify(wide.get(1)!.publicKey, message, sig.bytes));
    });

    it('a presignature is single use: reuse and use after discard are refused', () => {
      const pre = presign(scheme, pick([1, 3]));
      const message = msg();
      online(scheme, pick([1, 3]), pre, message).run();
      assert.throws(
        () => online(scheme, pick([1, 3]), pre, msg()),
        isCode('PRESIGNATURE_REUSED'),
        'reuse after a signature',
      );
      const other = presign(scheme, pick([1, 2]));
      (other.get(2)! as Presignature & { discard(): void }).discard();
      assert.equal(other.get(2)!.consumed, true);
      assert.throws(() => online(scheme, pick([1, 2]), other, msg()), isCode('PRESIGNATURE_REUSED'));
    });

    it('a presignature is consumed even when its online round aborts', () => {
      const pre = presign(scheme, pick([2, 3]));
      const router = new InMemoryRouter({ faults: [faults.flipBit({ round: 1, from: 2 }, 40, 1)] });
      const o = online(scheme, pick([2, 3]), pre, msg(), router);
      assert.throws(o.run, ProtocolAbortError);
      for (const p of o.parties) assert.equal(p.done, false);
      assert.throws(() => online(scheme, pick([2, 3]), pre, msg()), isCode('PRESIGNATURE_REUSED'));
    });

    it('is bound to key, share generation, party and signer set', () => {
      const pre = presign(scheme, pick([1, 2]));
      const p1 = pre.get(1)!;
      const use = (share: KeyShare, presignature: Presignature) => () =>
        scheme.signWithPresignature({ sessionId: sid(), share, presignature, message: msg() });
      // Another party's share, another key, another generation of the same key.
      assert.throws(use(shares.get(2)!, p1), isCode('KEY_MISMATCH'));
      const otherKey = runDkg(scheme, 2, [1, 2, 3]);
      assert.throws(use(otherKey.get(1)!, p1), isCode('KEY_MISMATCH'));
      const refreshed = runRefresh(scheme, [...shares.values()]);
      assert.throws(use(refreshed.get(1)!, p1), isCode('KEY_MISMATCH'));
      assert.equal(p1.consumed, false, 'a refused use does not consume');
      // Presignatures of another scheme are refused.
      const foreign = suites.find((s) => s.scheme !== scheme)!.scheme;
      const foreignShares = runDkg(foreign, 2, [1, 2, 3]);
      const foreignPre = presign(foreign, [foreignShares.get(1)!, foreignShares.get(2)!]);
      assert.throws(use(shares.get(1)!, foreignPre.get(1)!), isCode('INVALID_PARAMETERS'));
      // Presignatures of two presign sessions (same signers) never combine.
      const preB = presign(scheme, pick([1, 2]));
      const mixed = new Map([
        [1, p1],
        [2, preB.get(2)!],
      ]);
      const o = online(scheme, pick([1, 2]), mixed, msg());
      assert.throws(o.run, (e: unknown) => e instanceof ProtocolAbortError && e.culprit === null);
      for (const p of o.parties) assert.equal(p.done, false);
      // A presignature for signers {1,2} next to one for signers {1,3}: the parties disagree on
      // who signs; no one finishes.
      const p13 = presign(scheme, pick([1, 3]));
      const parties = [
        scheme.signWithPresignature({
          sessionId: sid(),
          share: shares.get(2)!,
          presignature: pre.get(2)!,
          message: msg(),
        }),
        scheme.signWithPresignature({
          sessionId: sid(),
          share: shares.get(3)!,
          presignature: p13.get(3)!,
          message: msg(),
        }),
      ];
      assert.throws(() => runProtocol({ parties }), MpcError);
      for (const p of parties) assert.equal(p.done, false);
    });

    it('signers that sign different messages abort', () => {
      const pre = presign(scheme, pick([1, 3]));
      const sessionId = sid();
      const parties = [1, 3].map((p) =>
        scheme.signWithPresignature({
          sessionId,
          share: shares.get(p)!,
          presignature: pre.get(p)!,
          message: msg(),
        }),
      );
      assert.throws(
        () => runProtocol({ parties }),
        (e: unknown) => e instanceof ProtocolAbortError && e.code === 'INCONSISTENT_BROADCAST',
      );
      for (const p of parties) assert.equal(p.done, false);
    });

    if (scheme === frostTaproot) {
      it('signs for a BIP-341 tweaked output key', () => {
        for (const root of [null, new Uint8Array(randomBytes(32))]) {
          const pre = presign(scheme, pick([1, 2]));
          const message = msg();
          const outputs = online(scheme, pick([1, 2]), pre, message, undefined, root).run();
          const sig = [...outputs.values()][0]!;
          assert.notDeepEqual(sig.publicKey, publicKey);
          assert.ok(schnorr.verify(sig.bytes, message, sig.publicKey));
        }
      });
    } else {
      it('refuses a Taproot tweak', () => {
        const pre = presign(scheme, pick([1, 2]));
        assert.throws(
          () =>
            scheme.signWithPresignature({
              sessionId: sid(),
              share: shares.get(1)!,
              presignature: pre.get(1)!,
              message: msg(),
              taprootMerkleRoot: null,
            }),
          isCode('UNSUPPORTED'),
        );
      });
    }

    /** Runs an online round; whatever happens, no party may hold a signature that does not verify. */
    const runOnline = (o: ReturnType<typeof online>, message: Uint8Array) => {
      try {
        o.run();
      } finally {
        for (const p of o.parties) if (p.done) assert.ok(verify(publicKey, message, p.result().bytes));
      }
    };

    it('tampering, duplicating or dropping any presign or online message aborts or times out', () => {
      const signers = pick([1, 3]);
      // Presign round: the faulty run never yields usable presignatures for everyone; if some
      // parties did finish, their online round cannot produce an invalid signature.
      const presignLog = new InMemoryRouter();
      presign(scheme, signers, presignLog);
      presignLog.log.forEach((d, nth) => {
        for (const [fault, kind] of faultCases(d, nth)) {
          const message = msg();
          expectFailure(
            () => {
              const pre = presign(scheme, signers, new InMemoryRouter({ faults: [fault] }));
              runOnline(online(scheme, signers, pre, message), message);
            },
            d,
            kind,
          );
        }
      });
      // Online round.
      const onlineLog = new InMemoryRouter();
      online(scheme, signers, presign(scheme, signers), msg(), onlineLog).run();
      assert.ok(onlineLog.log.length > 0);
      onlineLog.log.forEach((d, nth) => {
        for (const [fault, kind] of faultCases(d, nth)) {
          const message = msg();
          const o = online(
            scheme,
            signers,
            presign(scheme, signers),
            message,
            new InMemoryRouter({ faults: [fault] }),
          );
          expectFailure(() => runOnline(o, message), d, kind);
        }
      });
    });
  });
}

describe('fixedPointsMsm (the online Σ ρ_j·E_j of a presignature)', () => {
  it('equals the plain MSM for every chunking, torsion components included', () => {
    for (const suite of [frost.ed25519Suite, frost.secp256k1Suite]) {
      const bits = suite.Fn.ORDER.toString(2).length;
      const rnd = () =>
        (BigInt(`0x${Buffer.from(randomBytes(48)).toString('hex')}`) % (suite.Fn.ORDER - 1n)) + 1n;
      const points = [1, 2, 3].map(() => suite.Point.BASE.multiply(rnd()));
      if (suite === frost.ed25519Suite) {
        // A point with an order-8 component (peers' E_j skip the subgroup check on Ed25519).
        const T = ed25519.Point.fromBytes(ED_SMALL_ORDER);
        points.push(points[0]!.add(T as unknown as frost.GroupElement));
      }
      for (const chunks of [1, 2, 3, 4, 8]) {
        const multiply = frost.fixedPointsMsm(suite.Point, points, bits, chunks);
        for (let round = 0; round < 3; round++) {
          const scalars = points.map((_, i) => (round === 0 && i === 0 ? 0n : rnd()));
          const expected = points.reduce(
            (acc, P, i) => (scalars[i] === 0n ? acc : acc.add(P.multiplyUnsafe(scalars[i]!))),
            suite.Point.ZERO,
          );
          assert.ok(multiply(scalars).equals(expected), `${suite.scheme}, ${chunks} chunks`);
        }
        assert.throws(() => multiply(points.map(() => 1n << BigInt(bits))), MpcError);
        assert.throws(() => multiply([1n]), MpcError);
      }
    }
  });
});
