// Replay with the real @cairn/policy evaluator: decisions recorded the way a signer node makes
// them (evaluate on its own ledger) replay to the same decision core; a rewritten outcome, a
// rewritten input or a policy document that does not match its recorded hash is caught.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileSource,
  decisionCore,
  evaluate,
  type LedgerEntry,
  ledgerEntryFor,
  MemoryLedger,
  NO_PRICES,
  parseIntentFacts,
  parsePolicyRequest,
  parsePolicySource,
} from '@cairn/policy';
import {
  canonicalJson,
  type EntryInput,
  exportLog,
  type JsonValue,
  policyReplayer,
  replayExport,
} from '../src/index.ts';
import { makeLog, type TestLog } from './helpers.ts';

const ETH = { id: 'eip155:1/slip44:60', decimals: 18, symbol: 'ETH' };
const E18 = 10n ** 18n;

const POLICY_DOC = {
  format: 'cairn.policy/v1',
  version: 1,
  name: 'audit replay test',
  timezone: 'UTC',
  pricing: { maxAgeSeconds: 300 },
  rules: [
    {
      id: 'block-high-risk',
      when: { intent: { riskLevels: ['high', 'critical'] } },
      action: { type: 'block', reason: 'high risk' },
    },
    {
      id: 'vault-daily-limit',
      when: {
        velocity: [{ scope: 'vault', metric: 'amount', windowSeconds: 86_400, gt: (20n * E18).toString() }],
      },
      action: { type: 'block', reason: 'daily limit' },
    },
    { id: 'small', when: { amount: { lte: (5n * E18).toString() } }, action: { type: 'allow' } },
  ],
};

const toJson = (v: unknown): JsonValue => JSON.parse(canonicalJson(v)) as JsonValue;
const ledgerJson = (entries: LedgerEntry[]) =>
  entries.map((e) => ({
    ...e,
    amount: e.amount.toString(),
    usdMicros: e.usdMicros === null ? null : e.usdMicros.toString(),
  }));

/** Records decisions the way a node makes them, on its own growing ledger. */
async function recordDecisions(t: TestLog, count: number) {
  const compiled = compileSource(parsePolicySource(JSON.stringify(POLICY_DOC)));
  await t.log.append({
    kind: 'policy.changed',
    actor: 'admins',
    data: {
      policyId: 'treasury',
      version: 1,
      hash: compiled.policyHash,
      document: toJson(POLICY_DOC),
      approvedBy: ['admin-1'],
    },
  });
  const ledger: LedgerEntry[] = [];
  const base = Date.UTC(2026, 5, 1, 9, 0, 0);
  const entries: EntryInput[] = [];
  for (let i = 0; i < count; i++) {
    const submittedAt = base + i * 60_000;
    const requestJson = {
      id: `req-${i}`,
      kind: 'transfer',
      initiator: 'alice',
      vault: { id: 'treasury-1', tags: ['treasury'] },
      chain: 'eip155:1',
      asset: ETH,
      amount: (BigInt(1 + (i % 4) * 2) * E18).toString(),
      destination: { address: '0x00000000000000000000000000000000000000c0' },
      submittedAt,
    };
    const intentJson = { status: 'simulated', riskLevel: i % 5 === 4 ? 'high' : 'low', findingIds: [] };
    const request = parsePolicyRequest(requestJson);
    const decision = evaluate(compiled, {
      request,
      intent: parseIntentFacts(intentJson),
      ledger: new MemoryLedger(ledger),
      now: submittedAt,
    });
    entries.push({
      kind: 'policy.decided',
      actor: 'node-1.cairn.test',
      data: {
        requestId: request.id,
        policy: { id: 'treasury', version: 1, hash: compiled.policyHash },
        outcome: toJson(decisionCore(decision)),
        inputs: {
          request: requestJson,
          intent: intentJson,
          ledger: ledgerJson(ledger),
          now: new Date(submittedAt).toISOString(),
        },
      },
    });
    if (decision.outcome === 'allow') ledger.push(ledgerEntryFor(request, NO_PRICES, 300));
  }
  await t.log.appendBatch(entries);
  await t.log.checkpoint();
  return entries;
}

async function exportLines(t: TestLog) {
  let out = '';
  await exportLog({
    store: t.log.store,
    format: 'jsonl',
    write: (c) => {
      out += c;
    },
  });
  return out.split('\n').slice(0, -1);
}

describe('replay with @cairn/policy', () => {
  it('reproduces decisions made by the real evaluator, including velocity blocks', async () => {
    const t = await makeLog();
    const recorded = await recordDecisions(t, 16);
    const outcomes = recorded.map(
      (e) => (e.data as unknown as { outcome: { outcome: string; code: string } }).outcome,
    );
    assert.ok(outcomes.some((o) => o.outcome === 'allow'));
    assert.ok(outcomes.some((o) => o.outcome === 'block' && o.code === 'RULE_BLOCK'));
    assert.ok(outcomes.some((o) => o.code === 'NO_RULE_MATCHED'));
    const r = await replayExport({ lines: await exportLines(t), replayer: policyReplayer() });
    assert.deepEqual(r.mismatches, []);
    assert.equal(r.decisions, 16);
    assert.equal(r.matched, 16);
    assert.ok(r.ok);
    await t.close();
  });

  it('catches a rewritten outcome, a rewritten ledger snapshot and a document that does not match its hash', async () => {
    const t = await makeLog();
    await recordDecisions(t, 8);
    const lines = await exportLines(t);
    const decisionLines = lines
      .map((l, i) => [l, i] as const)
      .filter(([l]) => l.includes('"kind":"policy.decided"'));

    const rewrite = (lineIndex: number, edit: (entry: { data: Record<string, unknown> }) => void) => {
      const copy = lines.slice();
      const obj = JSON.parse(copy[lineIndex]!);
      edit(obj.entry);
      copy[lineIndex] = canonicalJson(obj);
      return copy;
    };
    // A high-risk request (i = 4) recorded as allowed.
    const [, i4] = decisionLines[4]!;
    const r1 = await replayExport({
      lines: rewrite(i4, (e) => {
        (e.data.outcome as { outcome: string }).outcome = 'allow';
      }),
      replayer: policyReplayer(),
    });
    assert.deepEqual(
      r1.mismatches.map((m) => [m.requestId, m.reason]),
      [['req-4', 'outcome']],
    );
    // A ledger snapshot that hides earlier spending changes nothing here (first request), but
    // one that invents spending turns an allow into a velocity block.
    const [, i1] = decisionLines[1]!;
    const r2 = await replayExport({
      lines: rewrite(i1, (e) => {
        const inputs = e.data.inputs as { ledger: unknown[] };
        inputs.ledger = [
          {
            requestId: 'ghost',
            at: Date.UTC(2026, 5, 1, 8),
            vaultId: 'treasury-1',
            initiator: 'alice',
            destination: null,
            asset: 'eip155:1|eip155:1/slip44:60',
            amount: (30n * E18).toString(),
            usdMicros: null,
          },
        ];
      }),
      replayer: policyReplayer(),
    });
    assert.deepEqual(
      r2.mismatches.map((m) => m.requestId),
      ['req-1'],
    );
    // The policy document was edited after the fact: it no longer hashes to the recorded hash.
    const policyLine = lines.findIndex((l) => l.includes('"kind":"policy.changed"'));
    const r3 = await replayExport({
      lines: rewrite(policyLine, (e) => {
        (e.data.document as { name: string }).name = 'edited';
      }),
      replayer: policyReplayer(),
    });
    assert.equal(r3.mismatchCount, 8);
    assert.ok(r3.mismatches.every((m) => m.reason === 'evaluator-error' && /hashes to/.test(m.message)));
    await t.close();
  });
});
