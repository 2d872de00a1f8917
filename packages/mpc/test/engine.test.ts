import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeMessage,
  encodeMessage,
  faults,
  InMemoryRouter,
  MpcTimeoutError,
  type Outgoing,
  type PartyId,
  ProtocolAbortError,
  Reader,
  RoundProtocol,
  runProtocol,
  Writer,
} from '@cairn/mpc';

// A toy two-round protocol: broadcast a number, then send each peer the sum seen (an echo).
class Sum extends RoundProtocol<bigint> {
  #all: readonly PartyId[];
  #sum = 0n;
  constructor(party: PartyId, all: readonly PartyId[], sessionId = new Uint8Array(32)) {
    super({ party, sessionId, protocol: 'toy/sum', peers: all });
    this.#all = all;
  }
  protected begin(): Outgoing[] {
    this.expect(1, this.#all, 'broadcast');
    return [{ to: null, payload: new Writer().u64(BigInt(this.party)).finish() }];
  }
  protected onRound(round: number, inbox: ReadonlyMap<PartyId, Uint8Array>): Outgoing[] {
    if (round === 1) {
      this.#sum = BigInt(this.party);
      for (const [, p] of inbox) {
        const r = new Reader(p);
        this.#sum += r.u64();
        r.end();
      }
      this.expect(2, this.#all, 'direct');
      return this.peers.map((to) => ({ to, payload: new Writer().u64(this.#sum).finish() }));
    }
    for (const [from, p] of inbox) {
      if (new Reader(p).u64() !== this.#sum)
        this.abort('INCONSISTENT_BROADCAST', from, 'saw a different sum');
    }
    this.finish(this.#sum);
    return [];
  }
}

const all = [1, 2, 3];
const parties = () => all.map((p) => new Sum(p, all));

describe('session engine', () => {
  it('runs a protocol to completion', () => {
    const out = runProtocol({ parties: parties() });
    assert.deepEqual([...out.values()], [6n, 6n, 6n]);
  });

  it('tolerates reordering', () => {
    const router = new InMemoryRouter({ faults: [faults.delay({ round: 1, from: 1 })] });
    assert.deepEqual([...runProtocol({ parties: parties(), router }).values()], [6n, 6n, 6n]);
  });

  it('reports a dropped message as a timeout naming who waits for whom', () => {
    const router = new InMemoryRouter({ faults: [faults.drop({ round: 1, from: 2, to: 3 })] });
    assert.throws(
      () => runProtocol({ parties: parties(), router }),
      (e: unknown) => e instanceof MpcTimeoutError && e.waiting.get(3)?.join() === '2',
    );
  });

  it('aborts on a duplicate, naming the sender', () => {
    const router = new InMemoryRouter({ faults: [faults.duplicate({ round: 1, from: 2, to: 1 })] });
    assert.throws(
      () => runProtocol({ parties: parties(), router }),
      (e: unknown) => e instanceof ProtocolAbortError && e.code === 'DUPLICATE_MESSAGE' && e.culprit === 2,
    );
  });

  it('aborts on inconsistent broadcast and on a foreign session', () => {
    const tamper = new InMemoryRouter({ faults: [faults.flipBit({ round: 1, from: 2, to: 3 }, 7)] });
    assert.throws(() => runProtocol({ parties: parties(), router: tamper }), ProtocolAbortError);
    const foreign = new InMemoryRouter({
      faults: [
        faults.rewrite({ round: 1, from: 1, to: 2 }, (m) => ({
          ...m,
          sessionId: new Uint8Array(32).fill(9),
        })),
      ],
    });
    assert.throws(
      () => runProtocol({ parties: parties(), router: foreign }),
      (e: unknown) => e instanceof ProtocolAbortError && e.code === 'SESSION_MISMATCH' && e.culprit === 1,
    );
  });

  it('encodes messages canonically and rejects trailing bytes', () => {
    const m = {
      sessionId: new Uint8Array(32).fill(1),
      protocol: 'toy/sum',
      round: 1,
      from: 2,
      to: null,
      payload: Uint8Array.of(1, 2),
    };
    const bytes = encodeMessage(m);
    assert.deepEqual(decodeMessage(bytes), m);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    assert.throws(() => decodeMessage(longer), /trailing/);
  });
});
