// The coordinator's audit trail: every custody state change of a request becomes a typed entry
// chained to the request's previous one; checkpoints are cosigned by every witness; the export
// verifies with the offline verifier (`cairn audit verify`, run as a real process) and its
// policy decisions replay.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import {
  NoteSigner,
  parseKeysFile,
  parseNote,
  parseVerifierKey,
  policyReplayer,
  replayExport,
  SIG_COSIGNATURE_V1,
  SqliteWitnessStore,
  verifyExport,
  Witness,
} from '@cairn/audit';
import { AuditTrail } from '../../src/audit/audit-trail.ts';
import { RequestAuditor } from '../../src/audit/request-auditor.ts';
import { CoordinatorPolicy } from '../../src/policy/coordinator-policy.ts';
import { PolicyStore } from '../../src/policy/policy-store.ts';
import { policyRequestOf } from '../../src/policy/request-facts.ts';
import type { RequestRecord } from '../../src/store/request-store.ts';
import {
  approval,
  INITIATOR_ID,
  initiatorPublicKey,
  ONE_ETH,
  signedGenesis,
  signedTx,
  tx,
} from './fixtures.ts';

const ORIGIN = 'cairn.test/audit/coordinator';
const root = join(import.meta.dirname, '..', '..', '..', '..');

describe('coordinator audit trail', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-wiring-audit-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a full run: entries for every state change, checkpoints cosigned by every node, export verifies and replays', async () => {
    const logKey = join(dir, 'audit-log.key');
    // The witnesses need the log's key, so open once to create it, then build them.
    const first = await AuditTrail.open({ path: join(dir, 'audit.db'), origin: ORIGIN, keyFile: logKey });
    const logVkey = parseVerifierKey(first.signer.verifierKey);
    await first.close();
    const witnesses = ['node-1', 'node-2', 'node-3'].map(
      (name) =>
        new Witness({
          signer: NoteSigner.generate(name, SIG_COSIGNATURE_V1),
          logs: [{ origin: ORIGIN, key: logVkey }],
          store: SqliteWitnessStore.open(':memory:'),
        }),
    );
    const trail = await AuditTrail.open({
      path: join(dir, 'audit.db'),
      origin: ORIGIN,
      keyFile: logKey,
      witnesses,
    });
    assert.equal(trail.signer.verifierKey, first.signer.verifierKey, 'the log key survives a restart');

    const db = new DatabaseSync(':memory:');
    const policy = CoordinatorPolicy.open({ store: new PolicyStore(db), genesis: signedGenesis() });
    const auditor = new RequestAuditor({
      trail,
      intents: null,
      policy,
      findVault: () => null,
      nodeOf: (p) => `node-${p}`,
    });
    auditor.governance({
      actor: 'coordinator',
      state: policy.head,
      hash: policy.headHash,
      approvedBy: ['frank', 'grace'],
    });

    // A request that needs approvals, approved, signed, broadcast and confirmed.
    const signed = signedTx({ vaultId: 'treasury', transaction: tx({ value: (5n * ONE_ETH).toString() }) });
    const facts = policyRequestOf({
      request: signed,
      initiators: [{ id: INITIATOR_ID, publicKey: initiatorPublicKey }],
    });
    const record = {
      requestId: signed.body.requestId,
      vaultId: 'treasury',
      initiator: signed.initiator,
      signedRequest: signed,
      bodyDigest: '0x00',
      chainId: 31337,
      attempts: 0,
      signers: null,
      signature: null,
      txHash: null,
      receipt: null,
      errorCode: null,
      errorMessage: null,
    } as unknown as RequestRecord;
    const at = (over: Partial<RequestRecord>) => ({ ...record, ...over }) as RequestRecord;
    auditor.transitioned(record, null, 'received');
    const decided = policy.decide({
      request: facts,
      intent: { status: 'simulated', riskLevel: 'low', findingIds: [] },
      nowMs: Date.now() + 5000,
    });
    assert.equal(decided.decision.outcome, 'require_approvals');
    auditor.transitioned(record, 'simulated', 'pending_approval');
    for (const who of ['carol', 'dave']) {
      const r = policy.submitApproval({
        requestId: record.requestId,
        approval: approval(policy.binding(decided), who),
        nowMs: Date.now() + 5000,
      });
      auditor.approval(r.approval);
    }
    auditor.transitioned(record, 'pending_approval', 'approved');
    auditor.transitioned(at({ attempts: 1, signers: [1, 2] }), 'approved', 'signing');
    const signature = { r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, yParity: 1 };
    auditor.transitioned(at({ attempts: 1, signers: [1, 2], signature }), 'signing', 'signed');
    const txHash = `0x${'ab'.repeat(32)}` as `0x${string}`;
    auditor.transitioned(at({ attempts: 1, txHash }), 'signed', 'broadcast');
    auditor.transitioned(
      at({ attempts: 1, txHash, receipt: { blockNumber: '7', status: 'success' } }),
      'broadcast',
      'confirmed',
    );
    policy.recordSigned(record.requestId);
    await trail.checkpoint();

    // A second request refused by a node.
    const other = signedTx({ vaultId: 'treasury', transaction: tx() });
    const refusedRecord = {
      ...record,
      requestId: other.body.requestId,
      signedRequest: other,
    } as RequestRecord;
    auditor.transitioned(refusedRecord, null, 'received');
    auditor.transitioned(
      {
        ...refusedRecord,
        attempts: 1,
        errorCode: 'PAYLOAD_MISMATCH',
        errorMessage: 'signer node node-2 refused: payload differs',
      } as RequestRecord,
      'signing',
      'rejected',
    );

    const { text, result } = await trail.exportJsonl();
    assert.equal(trail.failures, 0);
    const lines = text.split('\n').filter(Boolean);
    const entries = lines.map((l) => JSON.parse(l)).filter((l) => l.type === 'entry');
    const kinds = entries.map((e) => e.entry.kind);
    assert.deepEqual(kinds, [
      'policy.changed',
      'request.received',
      'policy.decided',
      'approval.recorded',
      'approval.recorded',
      'signjob.accepted',
      'signjob.accepted',
      'signature.produced',
      'tx.broadcast',
      'tx.confirmed',
      'request.received',
      'signjob.refused',
    ]);
    assert.equal(result.entries, 12);
    // Entries of a request are chained: each names the request's previous entry.
    const firstRequest = entries.filter((e) => e.entry.data.requestId === record.requestId);
    for (let i = 1; i < firstRequest.length; i++)
      assert.deepEqual(firstRequest[i].entry.prev, [firstRequest[i - 1].leaf]);
    assert.equal(entries.at(-1).entry.data.node, 'node-2');

    // Every checkpoint carries every node's cosignature.
    const checkpoints = lines.map((l) => JSON.parse(l)).filter((l) => l.type === 'checkpoint');
    assert.ok(checkpoints.length >= 2);
    for (const c of checkpoints) {
      const names = parseNote(c.note).signatures.map((s) => s.name);
      for (const w of ['node-1', 'node-2', 'node-3']) assert.ok(names.includes(w), `${w} cosigned ${c.size}`);
    }

    const keys = trail.keysFile(witnesses.map((w) => w.verifierKey));
    const report = await verifyExport({ lines, keys: parseKeysFile(keys) });
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    const replay = await replayExport({ lines, replayer: policyReplayer() });
    assert.equal(replay.ok, true, JSON.stringify(replay));
    assert.equal(replay.matched, 1);

    // The offline verifier as a user runs it.
    writeFileSync(join(dir, 'export.jsonl'), text);
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
    const cli = spawnSync(
      process.execPath,
      [
        join(root, 'packages/cli/src/main.ts'),
        'audit',
        'verify',
        join(dir, 'export.jsonl'),
        '--keys',
        join(dir, 'keys.json'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);

    // Tampering with one entry is caught.
    const victim = lines.findIndex((l) => l.includes('"approver":"carol"'));
    assert.ok(victim > 0);
    const tampered = lines.map((l, i) =>
      i === victim ? l.replace('"approver":"carol"', '"approver":"erin"') : l,
    );
    assert.equal((await verifyExport({ lines: tampered, keys: parseKeysFile(keys) })).ok, false);
    await trail.close();
  });
});
