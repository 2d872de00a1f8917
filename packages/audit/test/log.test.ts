// AuditLog over SQLite: appends, durability across reopen, atomic batches, proofs from storage,
// and checkpoints signed by the owner and cosigned by every witness.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  AuditLog,
  encodeEntry,
  entryLeafHash,
  MemoryTree,
  openNote,
  parseCheckpoint,
  SqliteLogStore,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../src/index.ts';
import { lifecycle, makeLog, ORIGIN, POLICY_V1, populate, tick } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'cairn-audit-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('AuditLog', () => {
  it('stores canonical entries whose digests are their leaf hashes, and proofs match an in-memory tree', async () => {
    const t = await makeLog();
    await populate(t, 6);
    const mem = new MemoryTree();
    for await (const e of t.log.store.readEntries(0, t.log.size)) {
      assert.deepEqual(entryLeafHash(e.body), e.leaf);
      assert.equal(encodeEntry(JSON.parse(e.body)), e.body);
      mem.append(e.leaf);
    }
    assert.deepEqual(t.log.root(), mem.root());
    for (const size of [1, 2, 7, 31, t.log.size]) {
      assert.deepEqual(await t.log.rootAt(size), mem.root(size));
      for (const m of [0, Math.floor(size / 2), size - 1]) {
        const proof = await t.log.inclusionProof(m, size);
        assert.deepEqual(proof, mem.inclusionProof(m, size));
        assert.ok(
          verifyInclusion({
            leafIndex: m,
            treeSize: size,
            leafHash: mem.leaf(m),
            proof,
            rootHash: mem.root(size),
          }),
        );
      }
      for (const first of [0, 1, Math.floor(size / 3), size]) {
        const proof = await t.log.consistencyProof(first, size);
        assert.deepEqual(proof, mem.consistencyProof(first, size));
        assert.ok(
          verifyConsistency({
            firstSize: first,
            secondSize: size,
            firstRoot: mem.root(first),
            secondRoot: mem.root(size),
            proof,
          }),
        );
      }
    }
    await assert.rejects(t.log.inclusionProof(0, t.log.size + 1), { code: 'INVALID_ARGUMENT' });
    await t.close();
  });

  it('survives a reopen: same size, root and appends continue the same tree', async () => {
    const path = join(dir, 'reopen.db');
    const t = await makeLog({ path });
    await t.log.appendBatch(lifecycle(1, { version: 1, doc: POLICY_V1 }));
    const { digest } = await t.log.append({
      kind: 'node.stopped',
      actor: 'node-1',
      data: { node: 'node-1', reason: 'x' },
    });
    const size = t.log.size;
    const root = t.log.root();
    await t.log.store.close();
    const store = SqliteLogStore.open(path);
    const again = await AuditLog.open({ store, origin: ORIGIN, signer: t.owner, now: tick });
    assert.equal(again.size, size);
    assert.deepEqual(again.root(), root);
    const next = await again.appendBatch(
      lifecycle(2, { version: 1, doc: POLICY_V1 }).map((e) => ({ ...e, prev: [digest] })),
    );
    assert.equal(next[0]!.index, size);
    const mem = new MemoryTree();
    for await (const e of store.readEntries(0, again.size)) mem.append(e.leaf);
    assert.deepEqual(again.root(), mem.root());
    await assert.rejects(AuditLog.open({ store, origin: 'someone.else/log', signer: t.owner }), {
      code: 'ORIGIN_MISMATCH',
    });
    await store.close();
    for (const s of t.witnessStores) await s.close();
  });

  it('appends a batch atomically: one invalid entry leaves the log unchanged', async () => {
    const t = await makeLog();
    await t.log.appendBatch(lifecycle(1, { version: 1, doc: POLICY_V1 }));
    const size = t.log.size;
    const root = t.log.root();
    const batch = lifecycle(2, { version: 1, doc: POLICY_V1 });
    // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid input
    (batch[4] as any).data.extra = 'not in the schema';
    await assert.rejects(t.log.appendBatch(batch), { code: 'INVALID_ENTRY' });
    await assert.rejects(
      t.log.append({
        kind: 'tx.broadcast',
        actor: 'c',
        data: { requestId: 'r', chain: 'eip155:1', txHash: 'xyz' },
      }),
      { code: 'INVALID_ENTRY' },
    );
    await assert.rejects(
      // biome-ignore lint/suspicious/noExplicitAny: floats are not canonical
      t.log.append({ kind: 'key.refreshed', actor: 'c', data: { keyId: 'k', epoch: 1.5 } as any }),
      { code: 'INVALID_ENTRY' },
    );
    await assert.rejects(
      t.log.append({
        kind: 'key.refreshed',
        actor: 'c',
        time: '2001-01-01T00:00:00.000Z',
        data: { keyId: 'k', epoch: 1 },
      }),
      { code: 'NON_MONOTONIC_TIME' },
    );
    assert.equal(t.log.size, size);
    assert.deepEqual(t.log.root(), root);
    assert.equal(await t.log.store.size(), size);
    // The store itself rolls back a failing transaction (here: an index that already exists).
    const row = { index: size, timeMs: 0, kind: 'node.started', body: '{}', leaf: new Uint8Array(32) };
    await assert.rejects(t.log.store.append([row, { ...row, index: size - 1 }], []), { code: 'STORAGE' });
    assert.equal(await t.log.store.size(), size);
    await t.close();
  });

  it('publishes checkpoints signed by the owner and cosigned by every witness', async () => {
    const t = await makeLog();
    await t.log.appendBatch(lifecycle(1, { version: 1, doc: POLICY_V1 }));
    const cp = await t.log.checkpoint();
    assert.deepEqual(cp.refusals, []);
    assert.deepEqual(cp.cosigners.sort(), t.witnesses.map((w) => w.name).sort());
    const opened = openNote(cp.note, [t.keys.log, ...t.keys.witnesses]);
    assert.equal(opened.verified.length, 4);
    const body = parseCheckpoint(opened.text);
    assert.equal(body.origin, ORIGIN);
    assert.equal(body.size, t.log.size);
    assert.equal(toHex(body.root), toHex(t.log.root()));
    // Witnesses advance with the log, proving consistency from their own last size each time.
    await t.log.appendBatch(lifecycle(2, { version: 1, doc: POLICY_V1 }));
    const cp2 = await t.log.checkpoint();
    assert.deepEqual(cp2.refusals, []);
    for (const w of t.witnesses) assert.equal((await w.state(ORIGIN))?.size, t.log.size);
    assert.equal((await t.log.latestCheckpoint())?.note, cp2.note);
    await t.close();
  });
});
