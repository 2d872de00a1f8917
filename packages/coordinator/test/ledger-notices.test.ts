// Coordinator-internal behaviour of velocity-ledger notices (src/signing/ledger-notices.ts) against
// in-test fake nodes: who is notified, what is sent, retries of a node that was down, final
// refusals, and the backfill after a restart. The real-process acceptance test is
// wiring/ledger-notices.test.ts.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  LedgerNoticeStore,
  LedgerNotifier,
  createMetrics,
  memoryLogger,
  NodeClient,
  NodeHealth,
  openDatabase,
  RequestStore,
  VaultStore,
} from '@cairn/coordinator';
import { publicKeyOf } from '@cairn/node';
import { FAKE_PUBLIC_KEY, FakeNode } from './fake-node.ts';
import { initiatorKey, signedTransfer } from './request-signing.ts';

const SIG = { r: `0x${'1a'.repeat(32)}`, s: `0x${'2b'.repeat(32)}`, yParity: 1 as const };

describe('ledger notices to the nodes that did not sign', () => {
  const nodes = [new FakeNode(1), new FakeNode(2), new FakeNode(3)];
  let ports: number[];
  let db: ReturnType<typeof openDatabase>;
  let requests: RequestStore;
  let store: LedgerNoticeStore;
  let notifier: LedgerNotifier;
  let logger: ReturnType<typeof memoryLogger>;
  let metrics: ReturnType<typeof createMetrics>;

  before(async () => {
    for (const n of nodes) await n.start();
    ports = nodes.map((n) => Number(new URL(n.url).port));
  });
  after(async () => {
    notifier?.stop();
    for (const n of nodes) await n.stop();
  });

  function open(): void {
    notifier?.stop();
    requests = new RequestStore(db);
    store = new LedgerNoticeStore(db);
    logger = memoryLogger();
    metrics = createMetrics(() => ({}));
    const clients = new Map(
      nodes.map((n, i) => [
        n.partyId,
        new NodeClient({ nodeId: n.nodeId, partyId: n.partyId, url: `http://127.0.0.1:${ports[i]}` }),
      ]),
    );
    notifier = new LedgerNotifier({
      store,
      requests,
      vaults: new VaultStore(db),
      health: new NodeHealth(clients),
      logger,
      counter: metrics.ledgerNotices,
      timeoutMs: 1000,
    });
  }

  beforeEach(() => {
    db = openDatabase(':memory:');
    const vaults = new VaultStore(db);
    vaults.create({
      vaultId: 'v1',
      name: 'v1',
      scheme: 'dkls23-secp256k1',
      threshold: 2,
      parties: [1, 2, 3],
      initiators: [{ id: 'tester', publicKey: publicKeyOf(initiatorKey) }],
      progress: [],
    });
    vaults.update('v1', { status: 'ready', publicKey: FAKE_PUBLIC_KEY });
    for (const n of nodes) {
      n.ledgerNotices = [];
      n.refuseLedgerNotices = null;
    }
    open();
  });

  /** A request signed by `signers` (as the orchestrator persists it). */
  function signedBy(signers: number[]): string {
    const request = signedTransfer({
      vaultId: 'v1',
      transaction: {
        type: 'eip1559',
        chainId: 31337,
        nonce: 0,
        to: '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc',
        value: '1000',
        data: '0x',
        gas: '21000',
        maxFeePerGas: '1000000000',
        maxPriorityFeePerGas: '1',
      },
    });
    const id = request.body.requestId;
    requests.insert({ request, bodyDigest: `digest-${id}`, nowMs: Date.now() });
    requests.transition(id, 'signing', { signers, attempts: 1 }, 'test');
    requests.transition(
      id,
      'signed',
      { signature: { ...SIG, publicKey: FAKE_PUBLIC_KEY }, signers, signedAtMs: Date.now() },
      'test',
    );
    return id;
  }

  const counted = async (result: string) =>
    (await metrics.ledgerNotices.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

  it('notifies only the party that did not sign, with the request and the bare signature', async () => {
    const id = signedBy([1, 2]);
    await notifier.signed(id);
    assert.equal(nodes[0]!.ledgerNotices.length, 0);
    assert.equal(nodes[1]!.ledgerNotices.length, 0);
    assert.equal(nodes[2]!.ledgerNotices.length, 1);
    const notice = nodes[2]!.ledgerNotices[0] as { request: unknown; signature: unknown };
    assert.deepEqual(notice.signature, SIG, 'no publicKey: the node schema is strict');
    assert.deepEqual(notice.request, requests.get(id)!.signedRequest);
    assert.deepEqual(store.status(id), [{ partyId: 3, status: 'delivered', attempts: 1 }]);
    assert.equal(await counted('delivered'), 1);
    await notifier.tick();
    assert.equal(nodes[2]!.ledgerNotices.length, 1, 'a delivered notice is not sent again');
  });

  it('keeps the notice of a node that is down and delivers it on a later tick', async () => {
    await nodes[0]!.stop();
    try {
      const id = signedBy([2, 3]);
      await notifier.signed(id);
      assert.deepEqual(store.status(id), [{ partyId: 1, status: 'pending', attempts: 1 }]);
      assert.equal(await counted('failed'), 1);
      assert.ok(logger.lines.some((l) => l.event === 'ledger_notice.failed' && l.requestId === id));
      await notifier.tick();
      assert.equal(store.status(id)[0]!.status, 'pending', 'still down: still pending');
    } finally {
      await nodes[0]!.start(ports[0]);
    }
    await notifier.tick();
    assert.equal(nodes[0]!.ledgerNotices.length, 1);
    assert.equal(store.pending(10).length, 0);
  });

  it('a refusal is final and logged as an error', async () => {
    nodes[2]!.refuseLedgerNotices = 'BAD_SIGNATURE';
    const id = signedBy([1, 2]);
    await notifier.signed(id);
    assert.equal(store.status(id)[0]!.status, 'refused');
    assert.equal(await counted('refused'), 1);
    assert.ok(logger.lines.some((l) => l.level === 'error' && l.event === 'ledger_notice.refused'));
    nodes[2]!.refuseLedgerNotices = null;
    await notifier.tick();
    assert.equal(nodes[2]!.ledgerNotices.length, 0);
  });

  it('after a restart, sends the notices of requests signed without any, once', async () => {
    // Signed, but the process stopped before any notice was recorded (or before this feature).
    const a = signedBy([1, 2]);
    const b = signedBy([1, 3]);
    open(); // a new coordinator process on the same database
    await notifier.tick();
    assert.equal(nodes[2]!.ledgerNotices.length, 1);
    assert.equal(nodes[1]!.ledgerNotices.length, 1);
    assert.equal(store.status(a)[0]!.status, 'delivered');
    assert.equal(store.status(b)[0]!.status, 'delivered');
    await notifier.tick();
    assert.equal(nodes[2]!.ledgerNotices.length + nodes[1]!.ledgerNotices.length, 2);
  });
});
