// Decision replay: every recorded decision re-evaluated with the policy version in force when
// it was made; mismatches listed. Uses the small test-only evaluator of helpers.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, evaluatorReplayer, exportLog, replayExport } from '../src/index.ts';
import { lifecycle, makeLog, POLICY_V1, POLICY_V2, policyChange, populate, testEvaluate } from './helpers.ts';

async function exportLines(t: Awaited<ReturnType<typeof makeLog>>) {
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

describe('decision replay', () => {
  it('reproduces every recorded decision with the policy version in force at the time', async () => {
    const t = await makeLog();
    await populate(t, 6);
    const r = await replayExport({ lines: await exportLines(t), replayer: evaluatorReplayer(testEvaluate) });
    assert.equal(r.decisions, 6);
    assert.equal(r.replayed, 6);
    assert.equal(r.matched, 6);
    assert.deepEqual(r.mismatches, []);
    assert.ok(r.ok);
    await t.close();
  });

  it('lists decisions whose recorded outcome differs, and decisions made under a stale policy', async () => {
    const t = await makeLog();
    await t.log.append(policyChange(1, POLICY_V1));
    await t.log.appendBatch(lifecycle(1, { version: 1, doc: POLICY_V1 }));
    // A node that "allowed" what the policy blocks (n = 7: high risk → block).
    const lying = lifecycle(7, { version: 1, doc: POLICY_V1 });
    // biome-ignore lint/suspicious/noExplicitAny: rewrite the recorded outcome
    (lying[2] as any).data.outcome = { action: 'allow' };
    await t.log.appendBatch(lying);
    await t.log.append(policyChange(2, POLICY_V2));
    // A decision citing version 1 after version 2 took effect.
    await t.log.appendBatch(lifecycle(2, { version: 1, doc: POLICY_V1 }));
    // A decision recorded without inputs cannot be replayed.
    const bare = lifecycle(4, { version: 2, doc: POLICY_V2 });
    // biome-ignore lint/suspicious/noExplicitAny: drop the inputs
    delete (bare[2] as any).data.inputs;
    await t.log.appendBatch(bare);
    await t.log.appendBatch(lifecycle(5, { version: 2, doc: POLICY_V2 }));
    await t.log.checkpoint();

    const r = await replayExport({ lines: await exportLines(t), replayer: evaluatorReplayer(testEvaluate) });
    assert.equal(r.ok, false);
    assert.equal(r.decisions, 5);
    assert.equal(r.matched, 2);
    assert.deepEqual(
      r.mismatches.map((m) => [m.requestId, m.reason]),
      [
        ['req-7', 'outcome'],
        ['req-2', 'policy-version'],
      ],
    );
    assert.equal(canonicalJson(r.mismatches[0]!.expected ?? null), '{"action":"allow"}');
    assert.equal(canonicalJson(r.mismatches[0]!.actual ?? null), '{"action":"block","reason":"risk high"}');
    assert.deepEqual(
      r.notReplayable.map((n) => n.requestId),
      ['req-4'],
    );
    // An evaluator that throws is a mismatch, not a crash.
    const boom = await replayExport({
      lines: await exportLines(t),
      replayer: evaluatorReplayer(() => {
        throw new Error('boom');
      }),
    });
    assert.ok(boom.mismatches.some((m) => m.reason === 'evaluator-error'));
    await t.close();
  });
});
