// Encrypted share storage and node unlocking: envelope encryption bound to node, key and
// version; wrong passphrase and damaged rows give clear errors and change nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KeyShare } from '@cairn/mpc';
import { NodeError, openSecret, sealSecret, ShareStore, unlockNode } from '@cairn/node';

const dir = mkdtempSync(join(tmpdir(), 'cairn-share-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const share = (version = 0, secret = 7) =>
  new KeyShare({
    scheme: 'frost-ed25519',
    version,
    party: 1,
    parties: [1, 2, 3],
    threshold: 2,
    publicKey: new Uint8Array(32).fill(3),
    chainCode: new Uint8Array(0),
    publicState: new Uint8Array(8).fill(4),
    secretState: new Uint8Array(32).fill(secret),
  });

/** Unlocks node `node-<name>` in `dir/<name>` and opens its share store. */
async function unlockedStore(name: string, passphrase: string) {
  const u = await unlockNode({ dataDir: join(dir, name), nodeId: `node-${name}`, passphrase, kdfLogN: 15 });
  return { u, store: new ShareStore({ db: u.db, nodeId: `node-${name}`, wrappingKey: u.wrappingKey }) };
}

const isCode = (code: string) => (e: unknown) => e instanceof NodeError && e.code === code;

describe('share store', () => {
  it('round-trips shares and never overwrites one', async () => {
    const { u, store } = await unlockedStore('a', 'passphrase one');
    const s = share();
    store.put(s);
    assert.deepEqual(store.get(s.keyId).secretBytes(), s.secretBytes());
    assert.throws(() => store.put(share(0, 9)), isCode('VAULT_EXISTS'));
    assert.deepEqual(store.get(s.keyId).secretBytes(), s.secretBytes(), 'the first share is intact');
    store.put(share(1, 8));
    assert.equal(store.get(s.keyId).version, 1, 'latest version by default');
    assert.equal(store.get(s.keyId, 0).version, 0);
    assert.throws(() => store.get('00'.repeat(16)), isCode('SHARE_MISSING'));
    // The sealed row does not contain the secret in clear.
    const row = u.db.prepare('SELECT sealed FROM shares WHERE version = 0').get() as { sealed: Uint8Array };
    assert.equal(Buffer.from(row.sealed).includes(Buffer.from(s.secretBytes())), false);
    u.db.close();
  });

  it('reports a damaged or moved share as SHARE_CORRUPTED', async () => {
    const { u, store } = await unlockedStore('b', 'passphrase two');
    const s = share();
    store.put(s);
    const row = u.db.prepare('SELECT sealed FROM shares').get() as { sealed: Uint8Array };
    const damaged = new Uint8Array(row.sealed);
    damaged[damaged.length - 5]! ^= 1;
    u.db.prepare('UPDATE shares SET sealed = ?').run(damaged);
    assert.throws(() => store.get(s.keyId), isCode('SHARE_CORRUPTED'));
    // A valid sealed share moved to another version (or node) does not open either.
    u.db.prepare('UPDATE shares SET sealed = ?, version = 5').run(row.sealed);
    assert.throws(() => store.get(s.keyId), isCode('SHARE_CORRUPTED'));
    const other = new ShareStore({ db: u.db, nodeId: 'node-x', wrappingKey: u.wrappingKey });
    u.db.prepare('UPDATE shares SET version = 0').run();
    assert.throws(() => other.get(s.keyId), isCode('SHARE_CORRUPTED'));
    assert.deepEqual(store.get(s.keyId).secretBytes(), s.secretBytes());
    u.db.close();
  });

  it('unlocks with the right passphrase only, and keeps the identity', async () => {
    const dataDir = join(dir, 'c');
    const first = await unlockNode({ dataDir, nodeId: 'node-c', passphrase: 'the right one', kdfLogN: 15 });
    assert.equal(first.fresh, true);
    const key = first.identity.signingKey;
    first.db.close();
    await assert.rejects(
      unlockNode({ dataDir, nodeId: 'node-c', passphrase: 'the wrong one', kdfLogN: 15 }),
      (e: unknown) => isCode('WRONG_PASSPHRASE')(e) && /wrong passphrase/.test((e as Error).message),
    );
    await assert.rejects(
      unlockNode({ dataDir, nodeId: 'node-d', passphrase: 'the right one', kdfLogN: 15 }),
      isCode('IDENTITY_MISMATCH'),
    );
    const again = await unlockNode({ dataDir, nodeId: 'node-c', passphrase: 'the right one', kdfLogN: 15 });
    assert.equal(again.fresh, false);
    assert.equal(again.identity.signingKey, key);
    again.db.close();
  });

  it('seals with per-secret data keys bound to their context', () => {
    const kek = new Uint8Array(32).fill(1);
    const aad = new TextEncoder().encode('ctx');
    const a = sealSecret(kek, new Uint8Array([1, 2, 3]), aad);
    const b = sealSecret(kek, new Uint8Array([1, 2, 3]), aad);
    assert.notDeepEqual(a, b);
    assert.deepEqual(openSecret(kek, a, aad), new Uint8Array([1, 2, 3]));
    assert.throws(() => openSecret(kek, a, new TextEncoder().encode('other')), /unwrap/);
    assert.throws(() => openSecret(new Uint8Array(32).fill(2), a, aad), /unwrap/);
  });
});
