import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, describe, it } from 'node:test';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import {
  attachWebSocketTransport,
  decodeEnvelope,
  encodeEnvelope,
  HttpCarrier,
  InMemoryNetwork,
  type PeerKeys,
  SecureTransport,
  type TransportError,
  type TransportMessage,
  WebSocketCarrier,
} from '@cairn/transport';

interface TestNode {
  id: string;
  identity: { nodeId: string; signingSecretKey: Uint8Array; encryptionSecretKey: Uint8Array };
  peer: PeerKeys;
}

function makeNode(id: string): TestNode {
  const signingSecretKey = ed25519.utils.randomSecretKey();
  const encryptionSecretKey = x25519.utils.randomSecretKey();
  return {
    id,
    identity: { nodeId: id, signingSecretKey, encryptionSecretKey },
    peer: {
      nodeId: id,
      signingKey: ed25519.getPublicKey(signingSecretKey),
      encryptionKey: x25519.getPublicKey(encryptionSecretKey),
    },
  };
}

const sid = () => new Uint8Array(randomBytes(32));
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const tick = () => new Promise((r) => setImmediate(r));
const settle = async () => {
  for (let i = 0; i < 5; i++) await tick();
};

function cluster(names = ['a', 'b', 'c']) {
  const network = new InMemoryNetwork();
  const nodes = names.map(makeNode);
  const peers = nodes.map((n) => n.peer);
  const logs: { event: string; fields: Record<string, unknown> }[] = [];
  const inbox = new Map<string, TransportMessage[]>();
  const transports = new Map<string, SecureTransport>();
  for (const n of nodes) {
    const t = new SecureTransport({
      identity: n.identity,
      carrier: network.carrier(n.id),
      peers,
      log: (_level, event, fields) => logs.push({ event, fields }),
    });
    inbox.set(n.id, []);
    t.onMessage((m) => inbox.get(n.id)!.push(m));
    transports.set(n.id, t);
  }
  return { network, nodes, transports, inbox, logs };
}

const codeOf = (e: unknown) => (e as TransportError).code;

describe('secure transport (in-memory carrier)', () => {
  it('delivers authenticated messages in order, per session', async () => {
    const { transports, inbox, network } = cluster();
    const s = sid();
    await transports.get('a')!.send('b', s, text('one'));
    await transports.get('a')!.send('b', s, text('two'));
    await transports.get('c')!.send('b', s, text('three'));
    await settle();
    const got = inbox.get('b')!;
    assert.deepEqual(
      got.map((m) => `${m.from}:${str(m.payload)}:${m.seq}`),
      ['a:one:1', 'a:two:2', 'c:three:1'],
    );
    // The wire carries ciphertext only.
    for (const e of network.sent) assert.equal(Buffer.from(e.bytes).includes('three'), false);
  });

  it('reorders early envelopes and drops replays with a log line', async () => {
    const { transports, inbox, network, logs } = cluster();
    const held: Uint8Array[] = [];
    network.interceptor = (e) => {
      if (held.length === 0) {
        held.push(e.bytes);
        return [];
      }
      return [e];
    };
    const s = sid();
    await transports.get('a')!.send('b', s, text('1'));
    await transports.get('a')!.send('b', s, text('2'));
    await transports.get('a')!.send('b', s, text('3'));
    await settle();
    assert.equal(inbox.get('b')!.length, 0, 'nothing delivered while message 1 is missing');
    network.interceptor = null;
    network.inject('b', held[0]!);
    assert.deepEqual(
      inbox.get('b')!.map((m) => str(m.payload)),
      ['1', '2', '3'],
    );
    // Replays of a delivered envelope are refused and logged.
    network.inject('b', network.sent[1]!.bytes);
    network.inject('b', held[0]!);
    assert.equal(inbox.get('b')!.length, 3);
    assert.deepEqual(
      network.rejected.map((r) => codeOf(r.error)),
      ['REPLAYED', 'REPLAYED'],
    );
    assert.ok(logs.some((l) => l.event === 'transport_envelope_refused' && l.fields.code === 'REPLAYED'));
  });

  it('refuses tampered, misaddressed, foreign and closed-session envelopes', async () => {
    const { transports, inbox, network, nodes } = cluster();
    const captured: Uint8Array[] = [];
    network.interceptor = (e) => {
      captured.push(e.bytes);
      return [];
    };
    const s = sid();
    await transports.get('a')!.send('b', s, text('secret'));
    network.interceptor = null;
    const original = captured[0]!;

    // Any flipped bit (header, nonce, ciphertext or signature) is refused.
    for (const index of [40, original.length - 80, original.length - 10]) {
      const t = original.slice();
      t[index]! ^= 1;
      assert.throws(
        () => transports.get('b')!.receive(t),
        (e: unknown) => ['BAD_SIGNATURE', 'MALFORMED_ENVELOPE', 'DECRYPTION_FAILED'].includes(codeOf(e)),
      );
    }
    // Delivered to the wrong node.
    assert.throws(
      () => transports.get('c')!.receive(original),
      (e: unknown) => codeOf(e) === 'WRONG_RECIPIENT',
    );
    // An outsider (not in the committee) cannot send.
    const outsider = makeNode('mallory');
    const outsiderNet = new InMemoryNetwork();
    const m = new SecureTransport({
      identity: outsider.identity,
      carrier: outsiderNet.carrier('mallory'),
      peers: [...nodes.map((n) => n.peer), outsider.peer],
    });
    const forged: Uint8Array[] = [];
    outsiderNet.carrier('b').onReceive((b) => forged.push(b));
    await m.send('b', s, text('give me the key'));
    await settle();
    assert.throws(
      () => transports.get('b')!.receive(forged[0]!),
      (e: unknown) => codeOf(e) === 'UNKNOWN_SENDER',
    );
    // A committee member re-signing someone else's envelope as its own fails to decrypt.
    const env = decodeEnvelope(original);
    const cSecret = nodes[2]!.identity.signingSecretKey;
    const resigned = { ...env, from: 'c', signature: new Uint8Array(64) };
    const { signedBytes } = await import('@cairn/transport');
    const signature = ed25519.sign(signedBytes(resigned), cSecret);
    assert.throws(
      () => transports.get('b')!.receive(encodeEnvelope({ ...resigned, signature })),
      (e: unknown) => codeOf(e) === 'DECRYPTION_FAILED',
    );
    assert.equal(inbox.get('b')!.length, 0);
    // The untouched envelope still works (refusals changed no state) ...
    transports.get('b')!.receive(original);
    assert.equal(str(inbox.get('b')![0]!.payload), 'secret');
    // ... and after the session is closed, its envelopes are refused.
    transports.get('b')!.closeSession(s);
    assert.throws(
      () => transports.get('b')!.receive(original),
      (e: unknown) => codeOf(e) === 'SESSION_CLOSED',
    );
    assert.equal(transports.get('b')!.openSessions, 0);
  });

  it('refuses every single-byte modification of an envelope', async () => {
    const { transports, inbox, network } = cluster();
    const captured: Uint8Array[] = [];
    network.interceptor = (e) => {
      captured.push(e.bytes);
      return [];
    };
    const s = sid();
    await transports.get('a')!.send('b', s, text('x'.repeat(40)));
    const original = captured[0]!;
    const b = transports.get('b')!;
    for (let i = 0; i < original.length; i++) {
      const t = original.slice();
      t[i]! ^= 0x80;
      assert.throws(() => b.receive(t), `byte ${i}`);
    }
    assert.equal(inbox.get('b')!.length, 0);
    assert.equal(b.openSessions, 0, 'refused envelopes leave no state');
    b.receive(original);
    assert.equal(inbox.get('b')!.length, 1);
  });

  it('reuses a rotating ephemeral key across sessions, with distinct session keys', async () => {
    const { transports, inbox, network } = cluster();
    const s1 = sid();
    const s2 = sid();
    await transports.get('a')!.send('b', s1, text('one'));
    await transports.get('a')!.send('b', s2, text('two'));
    await settle();
    const [e1, e2] = network.sent.map((e) => decodeEnvelope(e.bytes));
    assert.deepEqual(e1!.ephemeralKey, e2!.ephemeralKey);
    assert.equal(inbox.get('b')!.length, 2);
    // An envelope moved to another session does not verify (the session id is signed and bound into the key).
    const moved = encodeEnvelope({ ...e1!, sessionId: s2, seq: 2n });
    assert.throws(
      () => transports.get('b')!.receive(moved),
      (e: unknown) => codeOf(e) === 'BAD_SIGNATURE',
    );
  });

  it('reports a send to an unreachable node', async () => {
    const { transports, network } = cluster();
    network.setDown('c', true);
    await assert.rejects(
      transports.get('a')!.send('c', sid(), text('x')),
      (e: unknown) => codeOf(e) === 'SEND_FAILED',
    );
    await assert.rejects(
      transports.get('a')!.send('zed', sid(), text('x')),
      (e: unknown) => codeOf(e) === 'UNKNOWN_RECIPIENT',
    );
  });
});

describe('secure transport (HTTP carrier on loopback)', () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
  });

  it('carries envelopes between two HTTP endpoints, refusals become 400', async () => {
    const a = makeNode('a');
    const b = makeNode('b');
    const urls = new Map<string, string>();
    const make = async (n: TestNode) => {
      const carrier = new HttpCarrier({ resolve: (id) => urls.get(id) });
      const t = new SecureTransport({ identity: n.identity, carrier, peers: [a.peer, b.peer] });
      const server = createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        try {
          carrier.deliver(new Uint8Array(Buffer.concat(chunks)));
          res.writeHead(202).end();
        } catch (error) {
          res.writeHead(400).end(codeOf(error));
        }
      });
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const address = server.address();
      assert.ok(address && typeof address === 'object');
      urls.set(n.id, `http://127.0.0.1:${address.port}`);
      return t;
    };
    const ta = await make(a);
    const tb = await make(b);
    const got: string[] = [];
    tb.onMessage((m) => got.push(str(m.payload)));
    const s = sid();
    await Promise.all(Array.from({ length: 20 }, (_, i) => ta.send('b', s, text(String(i)))));
    assert.deepEqual(
      got,
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
    tb.closeSession(s);
    await assert.rejects(ta.send('b', s, text('late')), /SESSION_CLOSED|refused/);
    urls.set('b', 'http://127.0.0.1:1');
    await assert.rejects(ta.send('b', sid(), text('x')), (e: unknown) => codeOf(e) === 'SEND_FAILED');
  });
});

describe('secure transport (WebSocket carrier on loopback)', () => {
  const servers: Server[] = [];
  const closers: (() => void)[] = [];
  after(() => {
    for (const c of closers) c();
    for (const s of servers) s.close();
  });

  it('carries envelopes over one connection per peer, acknowledges refusals, reports dead peers', async () => {
    const a = makeNode('a');
    const b = makeNode('b');
    const urls = new Map<string, string>();
    const carriers: WebSocketCarrier[] = [];
    const make = async (n: TestNode) => {
      const carrier = new WebSocketCarrier({ resolve: (id) => urls.get(id), timeoutMs: 2000 });
      carriers.push(carrier);
      const t = new SecureTransport({ identity: n.identity, carrier, peers: [a.peer, b.peer] });
      const server = createServer((_req, res) => res.writeHead(404).end());
      servers.push(server);
      const ws = attachWebSocketTransport({ server, deliver: (bytes) => carrier.deliver(bytes) });
      closers.push(() => ws.close());
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const address = server.address();
      assert.ok(address && typeof address === 'object');
      urls.set(n.id, `http://127.0.0.1:${address.port}`);
      return { t, ws, server };
    };
    const ta = (await make(a)).t;
    const nb = await make(b);
    const got: string[] = [];
    nb.t.onMessage((m) => got.push(str(m.payload)));
    const s = sid();
    await Promise.all(Array.from({ length: 20 }, (_, i) => ta.send('b', s, text(String(i)))));
    assert.deepEqual(
      got,
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
    // A refusal on the receiving side comes back to the sender with its code.
    nb.t.closeSession(s);
    await assert.rejects(
      ta.send('b', s, text('late')),
      (e: unknown) => codeOf(e) === 'SEND_FAILED' && /SESSION_CLOSED/.test((e as Error).message),
    );
    // The peer goes away: the open connection closes, sends fail, and reconnecting fails too.
    nb.ws.close();
    nb.server.close();
    await assert.rejects(ta.send('b', sid(), text('x')), (e: unknown) => codeOf(e) === 'SEND_FAILED');
    await assert.rejects(ta.send('b', sid(), text('y')), (e: unknown) => codeOf(e) === 'SEND_FAILED');
    for (const c of carriers) await c.close();
  });
});
