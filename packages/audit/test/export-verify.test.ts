// Export and offline verification: an honest export verifies; every kind of tampering —
// a changed byte, a deleted, reordered, inserted or truncated entry, a swapped checkpoint — is
// detected, and the verifier names the first bad entry.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  canonicalJson,
  entryLeafHash,
  exportLog,
  INVALID_UTF8_MARK,
  MAX_LINE_BYTES,
  parseKeysFile,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  splitLines,
  toHex,
  type VerifyReport,
  verifyExport,
} from '../src/index.ts';
import { lifecycle, makeLog, openFork, POLICY_V1, populate, seededSigner, type TestLog } from './helpers.ts';

async function exportText(
  t: TestLog,
  opts: { fromMs?: number; toMs?: number; format?: 'jsonl' | 'csv' } = {},
) {
  let out = '';
  const result = await exportLog({
    store: t.log.store,
    format: opts.format ?? 'jsonl',
    fromMs: opts.fromMs ?? null,
    toMs: opts.toMs ?? null,
    write: (c) => {
      out += c;
    },
  });
  return { out, result };
}

const lines = (text: string) => text.split('\n').slice(0, -1);
const join = (ls: string[]) => `${ls.join('\n')}\n`;
const verifyLines = (ls: string[], t: TestLog) => verifyExport({ lines: ls, keys: t.keys });

/** Line number (0-based) of entry #i in an export. */
const lineOf = (ls: string[], i: number) =>
  ls.findIndex((l) => l.startsWith('{"entry":') && l.includes(`"index":${i},`));

function assertBad(r: VerifyReport, firstBad: number | null, what: string) {
  assert.equal(r.ok, false, `${what}: must fail`);
  assert.equal(
    r.firstBadEntry,
    firstBad,
    `${what}: first bad entry (problems: ${JSON.stringify(r.problems.slice(0, 3))})`,
  );
}

describe('export and offline verification', () => {
  let t: TestLog;
  let full: string[];
  before(async () => {
    t = await makeLog();
    await populate(t, 6);
    full = lines((await exportText(t)).out);
  });

  it('verifies an honest full export: every hash, proof, signature and cosignature', async () => {
    const r = await verifyLines(full, t);
    assert.deepEqual(r.problems, []);
    assert.ok(r.ok);
    assert.equal(r.entries, t.log.size);
    assert.equal(r.verifiedSize, t.log.size);
    assert.ok(r.checkpoints >= 4);
    assert.equal(r.verifiedCheckpoints, r.checkpoints);
    for (const w of t.witnesses) assert.equal(r.cosignatures[w.name], r.checkpoints);
    // The same through the streaming line splitter, in awkward chunk sizes.
    const bytes = Buffer.from(join(full));
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 777) yield bytes.subarray(i, i + 777);
    }
    assert.ok((await verifyExport({ lines: splitLines(chunks()), keys: t.keys })).ok);
  });

  it('verifies a time-range export through its frontier and a consistency proof to the latest checkpoint', async () => {
    const times: number[] = [];
    for await (const e of t.log.store.readEntries(0, t.log.size)) times.push(e.timeMs);
    const from = times[17]!;
    const to = times[40]!;
    const { out, result } = await exportText(t, { fromMs: from, toMs: to });
    assert.equal(result.start, 17);
    assert.equal(result.end, 40);
    const ls = lines(out);
    const r = await verifyLines(ls, t);
    assert.deepEqual(r.problems, []);
    assert.equal(r.entries, 23);
    assert.ok(ls.at(-2)!.includes('"consistency":['));
    // Decisions in the range point at the policy change before it: counted, not checkable.
    assert.ok(r.unresolvedReferences > 0);
    assert.equal((await verifyLines(full, t)).unresolvedReferences, 0);
    // A wrong frontier (claims different history before the range) is caught.
    const header = JSON.parse(ls[0]!);
    header.frontier[0] = header.frontier[0].replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    const r2 = await verifyLines([canonicalJson(header), ...ls.slice(1)], t);
    assert.equal(r2.ok, false);
    assert.ok(r2.problems.some((p) => p.code === 'ROOT_MISMATCH' || p.code === 'INCONSISTENT'));
  });

  it('detects a change of any single byte of an entry and names that entry', async () => {
    // Every byte of two entry lines, and sampled bytes of every entry line, each set to a
    // different value (including newline, quote, and bytes that break UTF-8).
    let s = 12345;
    const rand = (n: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s % n;
    };
    const targets: [number, number][] = [];
    for (const i of [20]) {
      const len = Buffer.byteLength(full[lineOf(full, i)]!);
      for (let b = 0; b < len; b++) targets.push([i, b]);
    }
    for (let i = 0; i < t.log.size; i++) {
      const len = Buffer.byteLength(full[lineOf(full, i)]!);
      for (let k = 0; k < 3; k++) targets.push([i, rand(len)]);
    }
    for (const [i, b] of targets) {
      const li = lineOf(full, i);
      const bytes = Buffer.from(full[li]!);
      const old = bytes[b]!;
      bytes[b] = (old + 1 + rand(255)) % 256;
      const tampered = Buffer.concat([
        Buffer.from(join(full.slice(0, li))),
        bytes,
        Buffer.from(`\n${join(full.slice(li + 1))}`),
      ]);
      const r = await verifyExport({ lines: splitLines([tampered]), keys: t.keys });
      assertBad(r, i, `entry #${i} byte ${b}: 0x${old.toString(16)} -> 0x${bytes[b]!.toString(16)}`);
    }
  });

  it('detects deleted, reordered, inserted and duplicated entries, naming the first bad one', async () => {
    for (const i of [0, 9, 30, t.log.size - 1]) {
      const ls = full.slice();
      ls.splice(lineOf(ls, i), 1);
      assertBad(await verifyLines(ls, t), i, `delete #${i}`);
    }
    for (const i of [0, 14, 40]) {
      const ls = full.slice();
      const a = lineOf(ls, i);
      const b = lineOf(ls, i + 1);
      [ls[a], ls[b]] = [ls[b]!, ls[a]!];
      assertBad(await verifyLines(ls, t), i, `swap #${i} and #${i + 1}`);
    }
    // [entry copied, inserted before entry, first bad position]: an adjacent copy is
    // indistinguishable from the original, so the second of the two lines is the bad one.
    for (const [copy, at, bad] of [
      [3, 10, 10],
      [25, 25, 26],
      [40, 12, 12],
    ] as const) {
      const ls = full.slice();
      ls.splice(lineOf(ls, at), 0, full[lineOf(full, copy)]!);
      assertBad(await verifyLines(ls, t), bad, `insert a copy of #${copy} before #${at}`);
    }
    // A forged entry with a correct leaf hash, inserted with the next index.
    const forgedEntry = JSON.parse(full[lineOf(full, 8)]!);
    forgedEntry.entry.data.requestId = 'forged';
    const body = canonicalJson(forgedEntry.entry);
    const forgedLine = `{"entry":${body},"index":9,"leaf":"${toHex(entryLeafHash(body))}","type":"entry"}`;
    const ls = full.slice();
    ls.splice(lineOf(ls, 9), 0, forgedLine);
    assertBad(await verifyLines(ls, t), 9, 'forged insertion');
  });

  it('checks that prev references point at earlier entries', async () => {
    const u = await makeLog();
    const a = await u.log.append({
      kind: 'node.started',
      actor: 'node-1',
      data: { node: 'node-1', version: '1' },
    });
    await u.log.append({
      kind: 'node.stopped',
      actor: 'node-1',
      prev: [a.digest],
      data: { node: 'node-1', reason: 'ok' },
    });
    await u.log.append({
      kind: 'node.stopped',
      actor: 'node-1',
      prev: ['ab'.repeat(32)],
      data: { node: 'node-1', reason: 'x' },
    });
    await u.log.checkpoint();
    const r = await verifyExport({ lines: lines((await exportText(u)).out), keys: u.keys });
    assertBad(r, 2, 'dangling prev');
    assert.deepEqual(
      r.problems.map((p) => p.code),
      ['UNKNOWN_REFERENCE'],
    );
    await u.close();
  });

  it('gives the same report with worker threads as on one thread', async () => {
    const deleted = full.slice();
    deleted.splice(lineOf(deleted, 33), 1);
    const flipped = full.slice();
    flipped[lineOf(flipped, 12)] = flipped[lineOf(flipped, 12)]!.replace('"actor":"', '"actor":"X');
    const broken = full.slice();
    broken[lineOf(broken, 20)] = broken[lineOf(broken, 20)]!.slice(0, 100);
    for (const ls of [full, deleted, flipped, broken, full.slice(0, lineOf(full, 40))]) {
      const one = await verifyExport({ lines: ls, keys: t.keys });
      const pooled = await verifyExport({ lines: ls, keys: t.keys, workers: 2, batchLines: 7 });
      assert.deepEqual(pooled, one);
    }
    assert.ok((await verifyExport({ lines: full, keys: t.keys, workers: 2 })).ok);
  });

  it('detects truncation and a missing end line', async () => {
    const cut = lineOf(full, 50);
    assertBad(await verifyLines(full.slice(0, cut), t), 50, 'truncated before #50');
    const noEnd = full.slice(0, -1);
    const r = await verifyLines(noEnd, t);
    assert.equal(r.ok, false);
    assert.ok(r.problems.some((p) => p.code === 'TRUNCATED'));
    // Cut the last checkpoint (and the end line): the tail is no longer covered.
    const lastCp = full.findLastIndex((l) => l.includes('"type":"checkpoint"'));
    const prevCp = full.slice(0, lastCp).findLastIndex((l) => l.includes('"type":"checkpoint"'));
    const prevSize = JSON.parse(full[prevCp]!).size as number;
    assertBad(await verifyLines(full.slice(0, lastCp), t), prevSize, 'last checkpoint removed');
  });

  it('detects swapped, foreign and under-cosigned checkpoints', async () => {
    const cps = full.map((l, i) => [l, i] as const).filter(([l]) => l.includes('"type":"checkpoint"'));
    const [a, b] = [cps[1]!, cps[2]!];
    const firstSize = JSON.parse(cps[0]![0]).size as number;
    {
      const ls = full.slice();
      ls[a[1]] = b[0];
      ls[b[1]] = a[0];
      assertBad(await verifyLines(ls, t), firstSize, 'two checkpoints swapped');
    }
    {
      // A checkpoint of a split view (same size, other root, signed by the owner): no witness
      // cosigns it, so it cannot replace the real one.
      const fork = await openFork(t);
      const realSize = JSON.parse(a[0]).size as number;
      const batch = [];
      for (let n = 100; batch.length < realSize; n++)
        batch.push(...lifecycle(n, { version: 1, doc: POLICY_V1 }));
      await fork.appendBatch(batch.slice(0, realSize));
      const forged = await fork.checkpoint();
      assert.equal(forged.cosigners.length, 0);
      const ls = full.slice();
      ls[a[1]] = canonicalJson({ type: 'checkpoint', size: realSize, note: forged.note });
      assertBad(await verifyLines(ls, t), firstSize, 'foreign checkpoint');
      await fork.store.close();
    }
    {
      // Keys demanding a witness that never cosigned.
      const absent = seededSigner('node-9.cairn.test', SIG_COSIGNATURE_V1, 999).verifierKey;
      const keys = parseKeysFile({ ...t.keysFile, witnesses: [...t.keysFile.witnesses, absent] });
      const r = await verifyExport({ lines: full, keys });
      assert.equal(r.ok, false);
      assert.ok(r.problems.every((p) => p.code === 'MISSING_COSIGNATURE' || p.code === 'NOT_COVERED'));
      assert.equal(r.firstBadEntry, 0);
      // With a quorum of 3 of the 4 listed witnesses, the same export verifies.
      assert.ok(
        (
          await verifyExport({
            lines: full,
            keys: parseKeysFile({ ...t.keysFile, witnesses: [...t.keysFile.witnesses, absent], quorum: 3 }),
          })
        ).ok,
      );
    }
    {
      // Another key under the log's name: no checkpoint is signed by the expected log key.
      const impostor = seededSigner('cairn.test/log', SIG_ED25519, 2).verifierKey;
      const r = await verifyExport({ lines: full, keys: parseKeysFile({ ...t.keysFile, log: impostor }) });
      assertBad(r, 0, 'wrong log key');
      assert.ok(r.problems.some((p) => p.code === 'BAD_SIGNATURE'));
    }
  });

  it('splits lines strictly: invalid UTF-8 and over-long lines are reported, not fatal', async () => {
    const long = Buffer.alloc(MAX_LINE_BYTES + 10, 0x61);
    const got: string[] = [];
    for await (const l of splitLines([Buffer.from('a\n\xff\n', 'latin1'), long, Buffer.from('tail\nlast')]))
      got.push(l);
    assert.deepEqual(got, [
      'a',
      `${INVALID_UTF8_MARK}\ufffd`,
      `${INVALID_UTF8_MARK}line longer than ${MAX_LINE_BYTES} bytes`,
      'last',
    ]);
  });

  it('exports CSV for spreadsheets, quoting and defusing formulas', async () => {
    const { out } = await exportText(t, { format: 'csv' });
    const rows = out.split('\r\n').filter(Boolean);
    assert.equal(rows[0], 'index,time,kind,actor,request_id,digest,prev,data');
    assert.equal(rows.length, t.log.size + 1);
    const refused = rows.find((r) => r.includes('signjob.refused'))!;
    assert.ok(refused.includes('\\""limit\\""'), 'quotes are doubled inside quoted cells');
    const book = rows.find((r) => r.includes('addressbook.changed'))!;
    assert.ok(!/,=HYPERLINK/.test(book));
  });
});
