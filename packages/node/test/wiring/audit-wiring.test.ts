// Issue 7 on the signer node: the node cosigns the coordinator's checkpoints as a witness over
// its HTTP API (the coordinator's own HttpWitness client), only when they extend what it last
// cosigned (state in the node's database, so a restart changes nothing), and keeps its own
// tamper-evident log whose checkpoints verify under the key it publishes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AuditLog,
  type EntryInput,
  NoteSigner,
  openNote,
  parseVerifierKey,
  SIG_ED25519,
  SqliteLogStore,
} from '@cairn/audit';
import { HttpWitness } from '@cairn/coordinator';
import {
  createLogger,
  type NodeHttpServer,
  parseNodeConfig,
  publicKeyOf,
  randomSigningKey,
  SignerNode,
  startHttpApi,
} from '@cairn/node';
import { InMemoryNetwork } from '@cairn/transport';

const ORIGIN = 'cairn.local/audit/coordinator';
const PASSPHRASE = 'witness test passphrase';

const entry = (i: number): EntryInput => ({
  kind: 'tx.broadcast',
  actor: 'coordinator',
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  data: { requestId: `r-${i}`, chain: 'eip155:1', txHash: i.toString(16).padStart(64, '0') },
});

async function logWith(signer: NoteSigner, witnesses: HttpWitness[], entries: number[]): Promise<AuditLog> {
  const log = await AuditLog.open({
    store: SqliteLogStore.open(':memory:'),
    origin: ORIGIN,
    signer,
    witnesses,
  });
  for (const i of entries) await log.append(entry(i));
  return log;
}

describe('node audit log and witness (HTTP)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-witness-'));
  const logSigner = NoteSigner.generate(ORIGIN, SIG_ED25519);
  const logs: string[] = [];
  let node: SignerNode;
  let http: NodeHttpServer;

  async function start(): Promise<void> {
    const config = parseNodeConfig({
      nodeId: 'node-1',
      partyId: 1,
      dataDir: join(dir, 'node-1'),
      admins: { keys: [publicKeyOf(randomSigningKey())], quorum: 1 },
      audit: { witnessOf: [{ origin: ORIGIN, key: logSigner.verifierKey }] },
    });
    node = await SignerNode.start({
      config,
      passphrase: PASSPHRASE,
      log: createLogger({ nodeId: 'node-1', write: (l) => logs.push(l) }),
      carrier: () => new InMemoryNetwork().carrier('node-1'),
    });
    http = await startHttpApi({
      node,
      host: '127.0.0.1',
      port: 0,
      log: createLogger({ nodeId: 'node-1', write: () => {} }),
    });
  }
  async function stop(): Promise<void> {
    await http.close();
    await node.close();
  }
  const witness = () => new HttpWitness({ name: 'node-1', url: http.url });

  before(start);
  after(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cosigns checkpoints that extend the last one it cosigned', async () => {
    const honest = await logWith(logSigner, [witness()], [1, 2, 3]);
    const first = await honest.checkpoint();
    assert.deepEqual(first.refusals, []);
    assert.deepEqual(first.cosigners, ['node-1']);
    const keys = (await (await fetch(new URL('/v1/audit/keys', http.url))).json()) as {
      witness: { name: string; verifierKey: string; logs: string[] };
    };
    assert.deepEqual(keys.witness.logs, [ORIGIN]);
    const opened = openNote(first.note, [parseVerifierKey(keys.witness.verifierKey)]);
    assert.equal(opened.verified.length, 1);
    await honest.append(entry(4));
    assert.deepEqual((await honest.checkpoint()).cosigners, ['node-1']);
  });

  it('refuses a split view and a fork, also after a restart', async () => {
    // Same log key, other history: what a compromised coordinator would show someone else.
    const fork = await logWith(logSigner, [witness()], [1, 2, 9, 10]);
    const sameSize = await fork.checkpoint();
    assert.deepEqual(sameSize.cosigners, []);
    assert.equal(sameSize.refusals[0]?.code, 'SPLIT_VIEW');
    await stop();
    await start();
    const longer = await logWith(logSigner, [witness()], [1, 2, 9, 10, 11]);
    const grown = await longer.checkpoint();
    assert.deepEqual(grown.cosigners, []);
    assert.equal(grown.refusals[0]?.code, 'INCONSISTENT');
    // The honest log, reopened by the coordinator after a restart, still gets cosigned.
    const honest = await logWith(logSigner, [witness()], [1, 2, 3, 4, 5]);
    const resumed = await honest.checkpoint();
    assert.deepEqual(resumed.refusals, []);
    assert.deepEqual(resumed.cosigners, ['node-1']);
  });

  it('refuses unknown logs and malformed requests with typed errors', async () => {
    const stranger = NoteSigner.generate('evil.example/log', SIG_ED25519);
    const other = await AuditLog.open({
      store: SqliteLogStore.open(':memory:'),
      origin: 'evil.example/log',
      signer: stranger,
      witnesses: [witness()],
    });
    await other.append(entry(1));
    assert.equal((await other.checkpoint()).refusals[0]?.code, 'UNKNOWN_KEY');
    const bad = await fetch(new URL('/v1/audit/cosign', http.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ oldSize: -1, consistencyProof: [], checkpoint: '' }),
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'MALFORMED_CHECKPOINT');
  });

  it('keeps its own log of custody events, with checkpoints under the key it publishes', async () => {
    const kinds = (await node.audit.entries()).map((e) => e.kind);
    assert.deepEqual(kinds.slice(0, 3), ['node.started', 'node.stopped', 'node.started']);
    const keys = (await (await fetch(new URL('/v1/audit/keys', http.url))).json()) as { logKey: string };
    const cp = (await (await fetch(new URL('/v1/audit/checkpoint', http.url))).json()) as {
      size: number;
      note: string;
    };
    assert.ok(cp.size >= 3);
    assert.equal(openNote(cp.note, [parseVerifierKey(keys.logKey)]).verified.length, 1);
  });
});
