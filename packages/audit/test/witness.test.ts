// Witnessing: a signer node cosigns only checkpoints consistent with the last one it cosigned,
// so a split view (two different trees of the same size, or a fork) never gets every cosignature.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCheckpoint, formatNote, toHex } from '../src/index.ts';
import { lifecycle, makeLog, ORIGIN, openFork, POLICY_V1 } from './helpers.ts';

describe('witnesses', () => {
  it('refuse a split view: a second log of the same size with a different root', async () => {
    const t = await makeLog();
    await t.log.appendBatch(lifecycle(1, { version: 1, doc: POLICY_V1 }));
    const honest = await t.log.checkpoint();
    assert.equal(honest.cosigners.length, 3);

    // The same owner key runs a second, rewritten log of the same size against the same witnesses.
    const fork = await openFork(t);
    const rewritten = lifecycle(1, { version: 1, doc: POLICY_V1 });
    // biome-ignore lint/suspicious/noExplicitAny: rewrite history
    (rewritten[2] as any).data.outcome = { action: 'allow' };
    await fork.appendBatch(rewritten);
    assert.equal(fork.size, t.log.size);
    assert.notEqual(toHex(fork.root()), toHex(t.log.root()));
    const split = await fork.checkpoint();
    assert.equal(split.cosigners.length, 0, 'no witness cosigns the other view');
    assert.deepEqual(
      split.refusals.map((r) => r.code),
      ['SPLIT_VIEW', 'SPLIT_VIEW', 'SPLIT_VIEW'],
    );

    // Growing the fork does not help: it is not an extension of what the witnesses cosigned.
    await fork.appendBatch(lifecycle(2, { version: 1, doc: POLICY_V1 }));
    const grown = await fork.checkpoint();
    assert.equal(grown.cosigners.length, 0);
    assert.deepEqual(
      grown.refusals.map((r) => r.code),
      ['INCONSISTENT', 'INCONSISTENT', 'INCONSISTENT'],
    );

    // Each node's own record shows what it verified and signed, and what it refused.
    const history = await t.witnessStores[0]!.history(ORIGIN);
    assert.deepEqual(
      history.map((h) => [h.verdict, h.code]),
      [
        ['cosigned', null],
        ['refused', 'SPLIT_VIEW'],
        ['refused', 'INCONSISTENT'],
      ],
    );
    assert.ok(history[0]!.cosignature?.startsWith(`— ${t.witnesses[0]!.name} `));

    // The honest log continues normally.
    await t.log.appendBatch(lifecycle(3, { version: 1, doc: POLICY_V1 }));
    assert.equal((await t.log.checkpoint()).cosigners.length, 3);
    await fork.store.close();
    await t.close();
  });

  it('refuse unsigned, wrongly signed, stale and inconsistent requests', async () => {
    const t = await makeLog({ witnesses: 1 });
    const w = t.witnesses[0]!;
    await t.log.appendBatch(lifecycle(1, { version: 1, doc: POLICY_V1 }));
    const good = await t.log.checkpoint();
    const size = t.log.size;
    const text = good.note.slice(0, good.note.indexOf('\n\n') + 1);

    // Not signed by the log key.
    await assert.rejects(
      w.addCheckpoint({
        oldSize: size,
        consistencyProof: [],
        checkpoint: formatNote(text, [`— ${t.owner.name} AAAAAA==\n`]),
      }),
      {
        code: 'INVALID_SIGNATURE',
      },
    );
    // Unknown log.
    const other = formatCheckpoint({
      origin: 'other.example/log',
      size: 1,
      root: new Uint8Array(32),
      extensions: [],
    });
    await assert.rejects(
      w.addCheckpoint({
        oldSize: 0,
        consistencyProof: [],
        checkpoint: formatNote(other, [t.owner.signatureLine(other)]),
      }),
      {
        code: 'UNKNOWN_KEY',
      },
    );
    // The log is wrong about the witness's size: told which size to prove from.
    await assert.rejects(
      w.addCheckpoint({ oldSize: 0, consistencyProof: [], checkpoint: good.note }),
      (e: unknown) => {
        const err = e as { code: string; witnessSize: number };
        return err.code === 'OLD_SIZE_MISMATCH' && err.witnessSize === size;
      },
    );
    // A checkpoint older than the cosigned one.
    const stale = formatCheckpoint({ origin: ORIGIN, size: 2, root: await t.log.rootAt(2), extensions: [] });
    await assert.rejects(
      w.addCheckpoint({
        oldSize: size,
        consistencyProof: [],
        checkpoint: formatNote(stale, [t.owner.signatureLine(stale)]),
      }),
      {
        code: 'STALE_CHECKPOINT',
      },
    );
    // A newer checkpoint with a bad consistency proof.
    await t.log.appendBatch(lifecycle(2, { version: 1, doc: POLICY_V1 }));
    const nextText = formatCheckpoint({
      origin: ORIGIN,
      size: t.log.size,
      root: t.log.root(),
      extensions: [],
    });
    const next = formatNote(nextText, [t.owner.signatureLine(nextText)]);
    const proof = await t.log.consistencyProof(size);
    const bad = proof.map((p, i) => (i === 0 ? p.map((b) => b ^ 1) : p));
    await assert.rejects(w.addCheckpoint({ oldSize: size, consistencyProof: bad, checkpoint: next }), {
      code: 'INCONSISTENT',
    });
    assert.equal((await w.state(ORIGIN))?.size, size, 'state unchanged by refusals');
    // The correct proof is accepted, and re-cosigning the same head is idempotent.
    await w.addCheckpoint({ oldSize: size, consistencyProof: proof, checkpoint: next });
    await w.addCheckpoint({ oldSize: t.log.size, consistencyProof: [], checkpoint: next });
    assert.equal((await w.state(ORIGIN))?.size, t.log.size);
    await t.close();
  });
});
