// The confirmation round of DKG, refresh and reshare: a tampered or dropped round-2 message to
// one party leaves EVERY party unfinished (no share is stored anywhere), and a confirmation
// that differs aborts its recipient. The driver below keeps delivering to the other parties
// after one aborts (unlike runProtocol, which stops at the first abort), so "nobody finished"
// is observed, not assumed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type Delivery,
  type Fault,
  faults,
  type FrostScheme,
  frostEd25519,
  frostSecp256k1,
  frostTaproot,
  InMemoryRouter,
  type KeyShare,
  type PartyId,
  type PartyProtocol,
  ProtocolAbortError,
  runProtocol,
} from '@cairn/mpc';

const sid = () => new Uint8Array(randomBytes(32));

/** Delivers every message; an aborting party drops out, the others go on. */
function drive<T>(parties: readonly PartyProtocol<T>[], fault?: Fault) {
  const router = new InMemoryRouter({ faults: fault ? [fault] : [] });
  const byId = new Map(parties.map((p) => [p.party, p]));
  const ids = [...byId.keys()];
  const aborted = new Map<PartyId, ProtocolAbortError>();
  const queue: Delivery[] = [];
  const send = (messages: ReturnType<PartyProtocol<T>['start']>) => {
    for (const m of messages) {
      const { now, later } = router.route(m, ids);
      queue.push(...now, ...later);
    }
  };
  for (const p of parties) send(p.start());
  while (queue.length > 0) {
    const d = queue.shift()!;
    const recipient = byId.get(d.to);
    if (!recipient || aborted.has(d.to)) continue;
    try {
      send(recipient.receive(d.message));
    } catch (error) {
      if (!(error instanceof ProtocolAbortError)) throw error;
      aborted.set(d.to, error);
    }
  }
  return { aborted, finished: parties.filter((p) => p.done).map((p) => p.party), router };
}

const dkgParties = (scheme: FrostScheme, parties: PartyId[], t: number) => {
  const sessionId = sid();
  return parties.map((party) => scheme.dkg({ sessionId, party, parties, threshold: t }));
};

const schemes = [frostEd25519, frostSecp256k1, frostTaproot];

describe('FROST key generation confirmation round', () => {
  for (const scheme of schemes) {
    it(`${scheme.id}: DKG — a tampered round-2 share to one party: no party finishes`, () => {
      // Byte 40 lies inside the secret share f_1(3) (after the 32-byte echo).
      const { aborted, finished } = drive(
        dkgParties(scheme, [1, 2, 3], 2),
        faults.flipBit({ round: 2, from: 1, to: 3 }, 40, 0),
      );
      assert.deepEqual(finished, [], 'no party may finish');
      assert.deepEqual([...aborted.keys()], [3]);
      assert.equal(aborted.get(3)!.culprit, 1, 'the dealer is named');
      assert.equal(aborted.get(3)!.code, 'INVALID_SHARE');
    });
  }

  it('DKG — a tampered round-2 echo or a dropped round-2 message: no party finishes', () => {
    const echo = drive(
      dkgParties(frostEd25519, [1, 2, 3], 2),
      faults.flipBit({ round: 2, from: 2, to: 1 }, 3),
    );
    assert.deepEqual(echo.finished, []);
    assert.equal(echo.aborted.get(1)?.code, 'INCONSISTENT_BROADCAST');
    const dropped = drive(dkgParties(frostEd25519, [1, 2, 3], 2), faults.drop({ round: 2, from: 2, to: 1 }));
    assert.deepEqual(dropped.finished, []);
    assert.equal(dropped.aborted.size, 0, 'a dropped message is a timeout, not an abort');
  });

  it('DKG — a clean run: every party confirms, finishes, and holds a share of one key', () => {
    const { aborted, finished, router } = drive(dkgParties(frostEd25519, [1, 2, 3, 4], 3));
    assert.equal(aborted.size, 0);
    assert.deepEqual(finished, [1, 2, 3, 4]);
    assert.equal(router.log.filter((d) => d.message.round === 3).length, 4 * 3, 'one confirmation per pair');
  });

  it('DKG — a confirmation that differs aborts its recipient with INCONSISTENT_BROADCAST', () => {
    const { aborted, finished } = drive(
      dkgParties(frostTaproot, [1, 2, 3], 2),
      faults.flipBit({ round: 3, from: 2, to: 3 }, 5),
    );
    assert.deepEqual(
      finished,
      [1, 2],
      'the tampering is on the last message: only its recipient is affected',
    );
    assert.equal(aborted.get(3)?.code, 'INCONSISTENT_BROADCAST');
    assert.equal(aborted.get(3)?.culprit, null);
  });

  it('refresh — a tampered round-2 share to one party: no party finishes', () => {
    const sessionId = sid();
    const shares = runProtocol({ parties: dkgParties(frostSecp256k1, [1, 2, 3], 2) }) as Map<
      PartyId,
      KeyShare
    >;
    const refresh = [...shares.values()].map((share) => frostSecp256k1.refresh({ sessionId, share }));
    const { aborted, finished } = drive(refresh, faults.flipBit({ round: 2, from: 3, to: 2 }, 50, 1));
    assert.deepEqual(finished, []);
    assert.deepEqual([...aborted.keys()], [2]);
    assert.equal(aborted.get(2)!.culprit, 3);
  });

  it('reshare — a tampered round-2 share to one new party: no party (old, new or leaving) finishes', () => {
    const shares = runProtocol({ parties: dkgParties(frostEd25519, [1, 2, 3], 2) }) as Map<PartyId, KeyShare>;
    const first = shares.get(1)!;
    const build = () => {
      const sessionId = sid();
      // Old committee {1,2,3}, new committee {2,3,4}: party 1 leaves, party 4 joins.
      return [1, 2, 3, 4].map((party) =>
        frostEd25519.reshare({
          sessionId,
          party,
          share: shares.get(party) ?? null,
          oldParties: first.parties,
          oldThreshold: 2,
          newParties: [2, 3, 4],
          newThreshold: 2,
          publicKey: first.publicKey,
          version: first.version,
        }),
      );
    };
    const clean = drive(build());
    assert.equal(clean.aborted.size, 0);
    assert.deepEqual(clean.finished, [1, 2, 3, 4], 'the leaving party finishes too, after the confirmations');
    const { aborted, finished } = drive(build(), faults.flipBit({ round: 2, from: 1, to: 4 }, 40, 2));
    assert.deepEqual(finished, []);
    assert.deepEqual([...aborted.keys()], [4]);
    assert.equal(aborted.get(4)!.culprit, 1);
  });
});
