// The protocol runner over the secure transport, with a toy protocol: message flow, early
// messages for sessions not started yet, impersonation, timeouts and cleanup.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { encodeMessage, type Outgoing, type PartyId, Reader, RoundProtocol, Writer } from '@cairn/mpc';
import { createLogger, NodeError, ProtocolRunner } from '@cairn/node';
import { InMemoryNetwork, SecureTransport } from '@cairn/transport';

class Sum extends RoundProtocol<bigint> {
  readonly #all: readonly PartyId[];
  #sum = 0n;
  constructor(party: PartyId, all: readonly PartyId[], sessionId: Uint8Array) {
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
      for (const [, p] of inbox) this.#sum += new Reader(p).u64();
      this.expect(2, this.#all, 'direct');
      return this.peers.map((to) => ({ to, payload: new Writer().u64(this.#sum).finish() }));
    }
    for (const [from, p] of inbox)
      if (new Reader(p).u64() !== this.#sum)
        this.abort('INCONSISTENT_BROADCAST', from, 'saw a different sum');
    this.finish(this.#sum);
    return [];
  }
}

function setup(ids = ['n1', 'n2', 'n3']) {
  const network = new InMemoryNetwork();
  const keys = ids.map((nodeId) => {
    const signingSecretKey = ed25519.utils.randomSecretKey();
    const encryptionSecretKey = x25519.utils.randomSecretKey();
    return { nodeId, signingSecretKey, encryptionSecretKey };
  });
  const peers = keys.map((k) => ({
    nodeId: k.nodeId,
    signingKey: ed25519.getPublicKey(k.signingSecretKey),
    encryptionKey: x25519.getPublicKey(k.encryptionSecretKey),
  }));
  const logs: string[] = [];
  const transports = keys.map(
    (k) => new SecureTransport({ identity: k, carrier: network.carrier(k.nodeId), peers }),
  );
  const runners = transports.map(
    (transport, i) =>
      new ProtocolRunner({ transport, log: createLogger({ nodeId: ids[i]!, write: (l) => logs.push(l) }) }),
  );
  const nodes = new Map<PartyId, string>(ids.map((id, i) => [i + 1, id]));
  return { network, transports, runners, nodes, logs };
}

const sid = () => new Uint8Array(randomBytes(32));

describe('protocol runner', () => {
  it('runs a protocol across nodes, even when one starts late', async () => {
    const { runners, nodes, transports } = setup();
    const s = sid();
    const run = (i: number) =>
      runners[i]!.run({
        sessionId: s,
        protocol: new Sum(i + 1, [1, 2, 3], s),
        nodes,
        timeoutMs: 2000,
        label: 't',
      });
    const early = [run(0), run(1)];
    await new Promise((r) => setTimeout(r, 20)); // node 3's peers' messages wait for it
    const results = await Promise.all([...early, run(2)]);
    assert.deepEqual(results, [6n, 6n, 6n]);
    for (const t of transports) assert.equal(t.openSessions, 0, 'session state is cleaned up');
  });

  it('times out a session whose peer never answers, naming it, and cleans up', async () => {
    const { runners, nodes, transports } = setup();
    const s = sid();
    const two = new Map([...nodes].filter(([p]) => p !== 3));
    await assert.rejects(
      runners[0]!.run({
        sessionId: s,
        protocol: new Sum(1, [1, 2], s),
        nodes: two,
        timeoutMs: 200,
        label: 't',
      }),
      (e: unknown) =>
        e instanceof NodeError && e.code === 'SESSION_TIMEOUT' && /n2 \(party 2\)/.test(e.message),
    );
    assert.equal(runners[0]!.activeSessions, 0);
    assert.equal(transports[0]!.openSessions, 0);
    // A fresh session id works afterwards.
    const s2 = sid();
    const both = await Promise.all(
      [0, 1].map((i) =>
        runners[i]!.run({
          sessionId: s2,
          protocol: new Sum(i + 1, [1, 2], s2),
          nodes: two,
          timeoutMs: 2000,
          label: 't',
        }),
      ),
    );
    assert.deepEqual(both, [3n, 3n]);
    // An ended session id cannot be run again.
    await assert.rejects(
      runners[0]!.run({
        sessionId: s,
        protocol: new Sum(1, [1, 2], s),
        nodes: two,
        timeoutMs: 2000,
        label: 't',
      }),
      (e: unknown) =>
        e instanceof NodeError && e.code === 'SESSION_BUSY' && /fresh session id/.test(e.message),
    );
  });

  it('aborts when a node sends a message in another party’s name', async () => {
    const { runners, nodes, transports } = setup();
    const s = sid();
    const victim = runners[0]!.run({
      sessionId: s,
      protocol: new Sum(1, [1, 2, 3], s),
      nodes,
      timeoutMs: 2000,
      label: 't',
    });
    // Node n3 (party 3) forges party 2's round-1 message.
    const forged = encodeMessage({
      sessionId: s,
      protocol: 'toy/sum',
      round: 1,
      from: 2,
      to: null,
      payload: new Writer().u64(2n).finish(),
    });
    await transports[2]!.send('n1', s, forged);
    await assert.rejects(
      victim,
      (e: unknown) =>
        e instanceof NodeError && e.code === 'PROTOCOL_ABORTED' && /n3 \(party 3\)/.test(e.message),
    );
  });

  it('aborts at once when a peer is unreachable', async () => {
    const { runners, nodes, network } = setup();
    network.setDown('n2', true);
    const s = sid();
    await assert.rejects(
      runners[0]!.run({
        sessionId: s,
        protocol: new Sum(1, [1, 2, 3], s),
        nodes,
        timeoutMs: 5000,
        label: 't',
      }),
      (e: unknown) => e instanceof NodeError && e.code === 'PEER_UNREACHABLE',
    );
  });
});
