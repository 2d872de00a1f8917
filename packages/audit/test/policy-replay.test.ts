// Replay with the real @cairn/policy evaluator: decisions recorded the way a signer node makes
// them (evaluate on its own ledger) replay to the same decision core; a rewritten outcome, a
// rewritten input or a policy document that does not match its recorded hash is caught.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, exportLog, policyReplayer, replayExport } from '../src/index.ts';
import { makeLog, type TestLog } from './helpers.ts';
import { E18, recordDecisions } from './policy-helpers.ts';

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
