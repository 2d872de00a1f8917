// The generic test suite, written once against ThresholdScheme and run for every scheme
// (FROST suites, DKLs23). A scheme passes when DKG, signing by every t-subset, refresh and
// reshare keep the group key, old and new shares never combine, and every tampered, duplicated
// or dropped message ends in an abort or a timeout, never in a returned invalid signature.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type Delivery,
  type Fault,
  faults,
  InMemoryRouter,
  KeyShare,
  MpcError,
  MpcTimeoutError,
  type PartyId,
  type PartyProtocol,
  ProtocolAbortError,
  runProtocol,
  type Signature,
  type ThresholdScheme,
} from '@cairn/mpc';

export interface ThresholdSchemeSuiteOptions {
  scheme: ThresholdScheme;
  /** (t, n) committees for DKG + signing, e.g. [[2, 3], [3, 5], [5, 9]]. */
  committees: readonly (readonly [number, number])[];
  /** A fresh message to sign (ECDSA: a 32-byte hash). */
  message: () => Uint8Array;
  /** An independent verifier (e.g. @noble/curves directly); defaults to scheme.verify. */
  verify?: (publicKey: Uint8Array, message: Uint8Array, signature: Signature) => boolean;
}

export const sessionId = (): Uint8Array => new Uint8Array(randomBytes(32));
const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

export function runDkg(
  scheme: ThresholdScheme,
  t: number,
  parties: readonly PartyId[],
): Map<PartyId, KeyShare> {
  const sid = sessionId();
  return runProtocol({
    parties: parties.map((party) => scheme.dkg({ sessionId: sid, party, parties, threshold: t })),
  });
}

export function runSign(
  scheme: ThresholdScheme,
  shares: readonly KeyShare[],
  message: Uint8Array,
  router?: InMemoryRouter,
): { outputs: Map<PartyId, Signature>; parties: PartyProtocol<Signature>[] } {
  const sid = sessionId();
  const signers = shares.map((s) => s.party);
  const parties = shares.map((share) => scheme.sign({ sessionId: sid, share, signers, message }));
  return { outputs: runProtocol({ parties, router }), parties };
}

export function runRefresh(scheme: ThresholdScheme, shares: readonly KeyShare[]): Map<PartyId, KeyShare> {
  const sid = sessionId();
  return runProtocol({ parties: shares.map((share) => scheme.refresh({ sessionId: sid, share })) });
}

export function runReshare(
  scheme: ThresholdScheme,
  old: ReadonlyMap<PartyId, KeyShare>,
  newParties: readonly PartyId[],
  newThreshold: number,
): Map<PartyId, KeyShare | null> {
  const sid = sessionId();
  const first = [...old.values()][0]!;
  const everyone = [...new Set([...old.keys(), ...newParties])].sort((a, b) => a - b);
  return runProtocol({
    parties: everyone.map((party) =>
      scheme.reshare({
        sessionId: sid,
        party,
        share: old.get(party) ?? null,
        oldParties: first.parties,
        oldThreshold: first.threshold,
        newParties,
        newThreshold,
        publicKey: first.publicKey,
        version: first.version,
      }),
    ),
  });
}

/** Every k-element subset of `items`, in order. */
export function subsets<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [head, ...tail] = items as [T, ...T[]];
  return [...subsets(tail, k - 1).map((s) => [head, ...s]), ...subsets(tail, k)];
}

/** Every delivery of one clean run, so fault tests can target each message of each round. */
function deliveriesOf(run: (router: InMemoryRouter) => void): Delivery[] {
  const router = new InMemoryRouter();
  run(router);
  return router.log;
}

function describeDelivery(d: Delivery): string {
  return `round ${d.message.round} ${d.message.from}→${d.to}`;
}

export type FaultKind = 'tamper' | 'duplicate' | 'drop';

/** The faults tried on the `nth` delivery `d` of a clean run: bit flips, truncation, duplicate, drop. */
export function faultCases(d: Delivery, nth: number): [Fault, FaultKind][] {
  const match = { round: d.message.round, from: d.message.from, to: d.to };
  return [
    [faults.flipBit(match, 0, 0), 'tamper'],
    [faults.flipBit(match, d.message.payload.length - 1, 7), 'tamper'],
    [faults.flipBit(match, nth * 7 + 3, nth % 8), 'tamper'],
    [faults.tamper(match, (p) => p.subarray(0, p.length - 1)), 'tamper'],
    [faults.duplicate(match), 'duplicate'],
    [faults.drop(match), 'drop'],
  ];
}

/**
 * `run` (with a fault on delivery `d`) must end in a timeout or an abort that blames no one or
 * the sender of `d` (anyone may be blamed for a dropped message's absence).
 */
export function expectFailure(run: () => unknown, d: Delivery, kind: FaultKind): void {
  try {
    run();
  } catch (error) {
    if (error instanceof MpcTimeoutError) return;
    assert.ok(error instanceof ProtocolAbortError, `${kind} ${describeDelivery(d)}: ${String(error)}`);
    if (kind !== 'drop') {
      assert.ok(
        error.culprit === null || error.culprit === d.message.from,
        `${kind} ${describeDelivery(d)} blamed party ${error.culprit}, not the sender ${d.message.from}`,
      );
    }
    return;
  }
  assert.fail(`${kind} of ${describeDelivery(d)} went unnoticed`);
}

export function thresholdSchemeSuite(o: ThresholdSchemeSuiteOptions): void {
  const { scheme } = o;
  const verify = (pk: Uint8Array, msg: Uint8Array, sig: Signature) => {
    const ok = scheme.verify({ publicKey: pk, message: msg, signature: sig.bytes });
    return o.verify ? ok && o.verify(pk, msg, sig) : ok;
  };
  const checkSigned = (outputs: Map<PartyId, Signature>, publicKey: Uint8Array, msg: Uint8Array) => {
    assert.ok(outputs.size > 0);
    for (const sig of outputs.values()) {
      assert.deepEqual(sig.publicKey, publicKey);
      assert.ok(verify(publicKey, msg, sig), 'signature verifies');
    }
    const all = [...outputs.values()].map((s) => Buffer.from(s.bytes).toString('hex'));
    assert.equal(new Set(all).size, 1, 'every signer returns the same signature');
  };

  describe(`ThresholdScheme ${scheme.id}: generic suite`, () => {
    for (const [t, n] of o.committees) {
      it(`(${t},${n}): DKG gives every party a share of one key; t of them sign`, () => {
        const shares = runDkg(scheme, t, range(n));
        const first = shares.get(1)!;
        for (const s of shares.values()) {
          assert.equal(s.scheme, scheme.id);
          assert.deepEqual(s.publicKey, first.publicKey);
          assert.deepEqual([...s.parties], range(n));
          assert.equal(s.threshold, t);
          assert.equal(s.version, first.version);
          const again = KeyShare.deserialize(s.serialize());
          assert.deepEqual(again.serialize(), s.serialize(), 'share round-trips canonically');
          assert.ok(
            !JSON.stringify(s).includes(Buffer.from(s.secretBytes()).toString('hex')),
            'JSON redacts',
          );
        }
        const msg = o.message();
        const signers = range(n).slice(n - t); // the last t parties
        const { outputs } = runSign(
          scheme,
          signers.map((p) => shares.get(p)!),
          msg,
        );
        checkSigned(outputs, first.publicKey, msg);
      });
    }

    describe('(2,3) committee', () => {
      const shares = runDkg(scheme, 2, [1, 2, 3]);
      const publicKey = shares.get(1)!.publicKey;

      it('every t-subset signs', () => {
        for (const subset of subsets([1, 2, 3], 2)) {
          const msg = o.message();
          checkSigned(
            runSign(
              scheme,
              subset.map((p) => shares.get(p)!),
              msg,
            ).outputs,
            publicKey,
            msg,
          );
        }
      });

      it('refuses fewer than t signers, unknown signers and bad parameters', () => {
        const share = shares.get(1)!;
        const bad = [
          () => scheme.sign({ sessionId: sessionId(), share, signers: [1], message: o.message() }),
          () => scheme.sign({ sessionId: sessionId(), share, signers: [1, 9], message: o.message() }),
          () => scheme.sign({ sessionId: sessionId(), share, signers: [2, 3], message: o.message() }),
          () => scheme.sign({ sessionId: new Uint8Array(4), share, signers: [1, 2], message: o.message() }),
          () => scheme.dkg({ sessionId: sessionId(), party: 1, parties: [1, 2, 3], threshold: 1 }),
          () => scheme.dkg({ sessionId: sessionId(), party: 1, parties: [1, 2, 3], threshold: 4 }),
          () => scheme.dkg({ sessionId: sessionId(), party: 1, parties: [1, 1, 3], threshold: 2 }),
          () => scheme.dkg({ sessionId: sessionId(), party: 4, parties: [1, 2, 3], threshold: 2 }),
          () => scheme.dkg({ sessionId: sessionId(), party: 0, parties: [0, 2, 3], threshold: 2 }),
        ];
        for (const f of bad) assert.throws(f, MpcError);
      });

      it('refresh keeps the key; refreshed shares sign; old and new shares never combine', () => {
        const fresh = runRefresh(scheme, [...shares.values()]);
        for (const s of fresh.values()) {
          assert.deepEqual(s.publicKey, publicKey);
          assert.equal(s.version, shares.get(1)!.version + 1);
          assert.notDeepEqual(s.secretBytes(), shares.get(s.party)!.secretBytes());
        }
        const msg = o.message();
        checkSigned(runSign(scheme, [fresh.get(1)!, fresh.get(3)!], msg).outputs, publicKey, msg);
        assert.throws(() => runSign(scheme, [shares.get(1)!, fresh.get(2)!], o.message()), MpcError);
        assert.throws(() => runSign(scheme, [fresh.get(1)!, shares.get(2)!], o.message()), MpcError);
      });

      it('reshare 2-of-3 → 3-of-5 → 2-of-3 keeps the key; mixed generations fail', () => {
        const wide = runReshare(scheme, shares, [2, 3, 4, 5, 6], 3);
        assert.equal(wide.get(1), null, 'a leaving party ends with no share');
        const wideShares = new Map([...wide].filter(([, s]) => s !== null) as [PartyId, KeyShare][]);
        assert.equal(wideShares.size, 5);
        for (const s of wideShares.values()) {
          assert.deepEqual(s.publicKey, publicKey);
          assert.equal(s.threshold, 3);
          assert.deepEqual([...s.parties], [2, 3, 4, 5, 6]);
        }
        let msg = o.message();
        checkSigned(
          runSign(
            scheme,
            [4, 5, 6].map((p) => wideShares.get(p)!),
            msg,
          ).outputs,
          publicKey,
          msg,
        );
        assert.throws(() => runSign(scheme, [shares.get(2)!, wideShares.get(3)!], o.message()), MpcError);

        const back = runReshare(scheme, wideShares, [1, 2, 3], 2);
        const backShares = new Map([...back].filter(([, s]) => s !== null) as [PartyId, KeyShare][]);
        assert.deepEqual([...backShares.keys()].sort(), [1, 2, 3]);
        msg = o.message();
        checkSigned(runSign(scheme, [backShares.get(1)!, backShares.get(2)!], msg).outputs, publicKey, msg);
        assert.throws(() => runSign(scheme, [backShares.get(1)!, shares.get(2)!], o.message()), MpcError);
      });

      const forEachFault = (
        label: string,
        run: (router: InMemoryRouter) => void,
        deliveries: () => Delivery[],
      ) => {
        it(`${label}: tampering, duplicating or dropping any message aborts or times out`, () => {
          const all = deliveries();
          assert.ok(all.length > 0);
          all.forEach((d, nth) => {
            for (const [fault, kind] of faultCases(d, nth)) {
              expectFailure(() => run(new InMemoryRouter({ faults: [fault] })), d, kind);
            }
          });
        });
      };

      const dkg = (router: InMemoryRouter) => {
        const sid = sessionId();
        runProtocol({
          router,
          parties: [1, 2, 3].map((party) =>
            scheme.dkg({ sessionId: sid, party, parties: [1, 2, 3], threshold: 2 }),
          ),
        });
      };
      forEachFault('DKG', dkg, () => deliveriesOf(dkg));

      forEachFault(
        'signing',
        (router) => {
          const msg = o.message();
          const sid = sessionId();
          const signers = [1, 3];
          const parties = signers.map((p) =>
            scheme.sign({ sessionId: sid, share: shares.get(p)!, signers, message: msg }),
          );
          try {
            runProtocol({ parties, router });
          } finally {
            // Whatever happened, no party may hold a signature that does not verify.
            for (const p of parties) if (p.done) assert.ok(verify(publicKey, msg, p.result()));
          }
        },
        () =>
          deliveriesOf((router) => runSign(scheme, [shares.get(1)!, shares.get(3)!], o.message(), router)),
      );
    });
  });
}
