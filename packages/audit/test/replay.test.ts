// Decision replay: every recorded decision re-evaluated with the policy version in force when
// it was made; mismatches listed. Uses the small test-only evaluator of helpers.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, type EntryInput, evaluatorReplayer, exportLog, replayExport } from '../src/index.ts';
import {
  lifecycle,
  makeLog,
  POLICY_V1,
  POLICY_V2,
  policyChange,
  policyHash,
  populate,
  testEvaluate,
  tick,
} from './helpers.ts';

async function exportLines(t: Awaited<ReturnType<typeof makeLog>>, fromMs?: number) {
  let out = '';
  await exportLog({
    store: t.log.store,
    format: 'jsonl',
    ...(fromMs === undefined ? {} : { fromMs }),
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
    const v2At = tick();
    await t.log.append(at(v2At, policyChange(2, POLICY_V2)));
    // A decision citing version 1, evaluated after version 2 took effect.
    await t.log.appendBatch(evaluatedAt(v2At + 500, lifecycle(2, { version: 1, doc: POLICY_V1 })));
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

/** The entry with an explicit log time. */
function at(ms: number, entry: EntryInput): EntryInput {
  return { ...entry, time: new Date(ms).toISOString() };
}

/** A lifecycle whose decision records `ms` as its evaluation instant (`inputs.now`). */
function evaluatedAt(ms: number, entries: EntryInput[]): EntryInput[] {
  // biome-ignore lint/suspicious/noExplicitAny: rewrite the recorded instant
  (entries[2] as any).data.inputs.now = new Date(ms).toISOString();
  return entries;
}

describe('which policy version a decision was made under', () => {
  // The coordinator evaluates a request under the version in force at its (initiator-signed)
  // submission time, but may log the decision after a later policy.changed entry.
  it('accepts a decision naming the previous version when it was submitted before the change took effect', async () => {
    const t = await makeLog();
    await t.log.append(policyChange(1, POLICY_V1));
    const v2At = tick();
    await t.log.append(at(v2At, policyChange(2, POLICY_V2)));
    // Submitted 400 ms before version 2 was logged, decided (and logged) after it.
    await t.log.appendBatch(evaluatedAt(v2At - 400, lifecycle(1, { version: 1, doc: POLICY_V1 })));
    await t.log.appendBatch(evaluatedAt(v2At + 10, lifecycle(5, { version: 2, doc: POLICY_V2 })));
    await t.log.checkpoint();
    const r = await replayExport({ lines: await exportLines(t), replayer: evaluatorReplayer(testEvaluate) });
    assert.deepEqual(r.mismatches, []);
    assert.deepEqual(r.notReplayable, []);
    assert.equal(r.matched, 2);
    assert.ok(r.ok);
    await t.close();
  });

  it('judges governed states by their signed activation instant', async () => {
    const t = await makeLog();
    await t.log.append(policyChange(1, POLICY_V1));
    const activatesAt = tick() + 60_000;
    const v2 = { ...POLICY_V2, format: 'cairn.governed-state/v1', activatedAt: activatesAt };
    await t.log.append(policyChange(2, v2));
    // Logged before it activates: requests submitted until then are evaluated under version 1.
    await t.log.appendBatch(evaluatedAt(activatesAt - 1, lifecycle(1, { version: 1, doc: POLICY_V1 })));
    await t.log.appendBatch(evaluatedAt(activatesAt, lifecycle(5, { version: 2, doc: v2 })));
    // Stale: version 1 at the activation instant; early: version 2 before it.
    await t.log.appendBatch(evaluatedAt(activatesAt, lifecycle(11, { version: 1, doc: POLICY_V1 })));
    await t.log.appendBatch(evaluatedAt(activatesAt - 1, lifecycle(12, { version: 2, doc: v2 })));
    await t.log.checkpoint();
    const r = await replayExport({ lines: await exportLines(t), replayer: evaluatorReplayer(testEvaluate) });
    assert.equal(r.matched, 2);
    assert.deepEqual(
      r.mismatches.map((m) => [m.requestId, m.reason]),
      [
        ['req-11', 'policy-version'],
        ['req-12', 'policy-version'],
      ],
    );
    assert.match(r.mismatches[0]!.message, /version 2 .* was in force from/);
    assert.match(r.mismatches[1]!.message, /activates at/);
    await t.close();
  });

  it('reports a decision naming a policy hash the log does not record, or a wrong version for it', async () => {
    const t = await makeLog();
    await t.log.append(policyChange(1, POLICY_V1));
    const unknown = { ...POLICY_V2, dailyLimit: '1' };
    await t.log.appendBatch(lifecycle(1, { version: 2, doc: unknown }));
    await t.log.appendBatch(lifecycle(2, { version: 3, doc: POLICY_V1 }));
    await t.log.checkpoint();
    const r = await replayExport({ lines: await exportLines(t), replayer: evaluatorReplayer(testEvaluate) });
    assert.equal(r.ok, false);
    assert.equal(r.matched, 0);
    assert.deepEqual(
      r.mismatches.map((m) => [m.requestId, m.reason]),
      [
        ['req-1', 'policy-version'],
        ['req-2', 'policy-version'],
      ],
    );
    assert.match(
      r.mismatches[0]!.message,
      new RegExp(`${policyHash(unknown).slice(0, 12)}.*no policy.changed entry`),
    );
    assert.match(r.mismatches[1]!.message, /as version 1/);
    await t.close();
  });

  it('in a range export, a hash recorded before the range is not replayable rather than a mismatch', async () => {
    const t = await makeLog();
    await t.log.append(policyChange(1, POLICY_V1));
    const v2At = tick();
    await t.log.append(at(v2At, policyChange(2, POLICY_V2)));
    await t.log.appendBatch(evaluatedAt(v2At - 400, lifecycle(1, { version: 1, doc: POLICY_V1 })));
    await t.log.checkpoint();
    const r = await replayExport({
      lines: await exportLines(t, v2At),
      replayer: evaluatorReplayer(testEvaluate),
    });
    assert.deepEqual(r.mismatches, []);
    assert.equal(r.notReplayableCount, 1);
    assert.match(r.notReplayable[0]!.reason, /range export starts at entry 1/);
    await t.close();
  });
});
