import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { prepareSchema, ReplayGuard } from '@cairn/node';

const dir = mkdtempSync(join(tmpdir(), 'cairn-replay-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('replay guard', () => {
  const db = new DatabaseSync(join(dir, 'g.db'));
  prepareSchema(db);
  const guard = new ReplayGuard(db);
  const base = {
    kind: 'sign' as const,
    nonce: 'n1',
    digest: 'd1',
    requestId: 'r1',
    expiresAt: 1000,
    now: 10,
  };

  it('allows a nonce once per statement and refuses it after completion', () => {
    assert.deepEqual(guard.reserve({ ...base, sessionId: 's1' }), { ok: true, supersedes: null });
    assert.equal(guard.reserve({ ...base, sessionId: 's1' }).ok, false, 'same session twice');
    assert.equal(
      guard.reserve({ ...base, digest: 'd2', sessionId: 's9' }).ok,
      false,
      'nonce reused by another statement',
    );
    // A retry under a new session supersedes a running one ...
    assert.deepEqual(guard.reserve({ ...base, sessionId: 's2' }), { ok: true, supersedes: 's1' });
    // ... and an aborted one can be retried.
    guard.finish('n1', 's2', 'aborted', 11);
    assert.deepEqual(guard.reserve({ ...base, sessionId: 's3' }), { ok: true, supersedes: null });
    guard.finish('n1', 's2', 'completed', 12); // stale session: ignored
    guard.finish('n1', 's3', 'completed', 12);
    const after = guard.reserve({ ...base, sessionId: 's4' });
    assert.equal(after.ok, false);
    assert.match((after as { message: string }).message, /already completed/);
  });

  it('never reuses a session id for another statement, and survives a restart', () => {
    assert.equal(guard.reserve({ ...base, nonce: 'n2', digest: 'x', sessionId: 's3' }).ok, false);
    guard.reserve({ ...base, nonce: 'n3', digest: 'y', sessionId: 's10' });
    const restarted = new ReplayGuard(db); // marks running sessions aborted
    assert.deepEqual(restarted.reserve({ ...base, nonce: 'n3', digest: 'y', sessionId: 's11' }), {
      ok: true,
      supersedes: null,
    });
    assert.equal(restarted.reserve({ ...base, sessionId: 's12' }).ok, false, 'completed stays completed');
    assert.equal(restarted.purgeExpired(1000 + 3601), 2);
  });
});
