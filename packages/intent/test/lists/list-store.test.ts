import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileListStore, ListError, parseListFile, staticLists } from '../../src/lists/index.ts';

const A = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const B = '0xbad0000000000000000000000000000000000bad';
const C = '0xc0ffee0000000000000000000000000000c0ffee';

describe('parseListFile', () => {
  it('reads entries with labels and reasons, lower-casing addresses', () => {
    const entries = parseListFile(
      JSON.stringify({
        entries: [
          { address: A, label: 'Friend' },
          { address: B, reason: 'drainer', source: 'feed X' },
        ],
      }),
      'x.json',
    );
    assert.deepEqual(entries, [
      { address: A.toLowerCase(), label: 'Friend' },
      { address: B, reason: 'drainer; source: feed X' },
    ]);
  });
  it('accepts a bare array of addresses (threat-intel feed shape)', () => {
    assert.deepEqual(parseListFile(JSON.stringify([B]), 'feed.json'), [
      { address: B, reason: 'listed in feed.json' },
    ]);
  });
  for (const [name, text] of [
    ['not JSON', '{'],
    ['bad address', JSON.stringify({ entries: [{ address: '0x12' }] })],
    ['unknown field', JSON.stringify({ entries: [{ address: B, colour: 'red' }] })],
    ['wrong shape', JSON.stringify({ addresses: [B] })],
  ] as const) {
    it(`${name} → ListError LIST_FILE_INVALID naming the file`, () => {
      assert.throws(
        () => parseListFile(text, 'lists/bad.json'),
        (e: unknown) =>
          e instanceof ListError && e.code === 'LIST_FILE_INVALID' && e.message.includes('lists/bad.json'),
      );
    });
  }
});

describe('FileListStore', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-lists-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads address book, allowlist and merged blocklists', () => {
    writeFileSync(join(dir, 'book.json'), JSON.stringify({ entries: [{ address: A, label: 'Friend' }] }));
    writeFileSync(join(dir, 'allow.json'), JSON.stringify({ entries: [{ address: C }] }));
    writeFileSync(join(dir, 'block1.json'), JSON.stringify({ entries: [{ address: B, reason: 'drainer' }] }));
    writeFileSync(join(dir, 'block2.json'), JSON.stringify([B, C]));
    const store = new FileListStore({
      addressBook: join(dir, 'book.json'),
      allowlist: join(dir, 'allow.json'),
      blocklists: [join(dir, 'block1.json'), join(dir, 'block2.json')],
    });
    const lists = store.snapshot();
    assert.equal(lists.addressBook.get(A.toLowerCase() as `0x${string}`), 'Friend');
    assert.ok(lists.allowlist.has(C));
    assert.equal(lists.blocklist.get(B), 'drainer');
    assert.match(lists.blocklist.get(C) ?? '', /block2\.json/);
    assert.equal(store.snapshot(), lists, 'unchanged files → the same snapshot object');
  });

  it('reloads a rewritten blocklist without restart, even a same-size rewrite within the same millisecond', () => {
    const path = join(dir, 'intel.json');
    writeFileSync(path, JSON.stringify([B]));
    const store = new FileListStore({ blocklists: [path] });
    assert.ok(store.snapshot().blocklist.has(B));
    writeFileSync(path, JSON.stringify([C])); // same length as before
    const lists = store.snapshot();
    assert.ok(lists.blocklist.has(C));
    assert.ok(!lists.blocklist.has(B));
  });

  it('reloads a settled file when its mtime changes', () => {
    const path = join(dir, 'settled.json');
    writeFileSync(path, JSON.stringify([B]));
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old); // settled: no longer "racily clean", only the stat is checked
    const store = new FileListStore({ blocklists: [path] });
    assert.ok(store.snapshot().blocklist.has(B));
    writeFileSync(path, JSON.stringify([C]));
    utimesSync(path, new Date(), new Date(Date.now() - 30_000));
    assert.ok(store.snapshot().blocklist.has(C));
  });

  it('a file turned invalid fails closed with a typed error, and recovers when fixed', () => {
    const path = join(dir, 'flaky.json');
    writeFileSync(path, JSON.stringify([B]));
    const store = new FileListStore({ blocklists: [path] });
    store.snapshot();
    writeFileSync(path, '{"entries": [');
    assert.throws(
      () => store.snapshot(),
      (e: unknown) => e instanceof ListError && e.code === 'LIST_FILE_INVALID',
    );
    writeFileSync(path, JSON.stringify([C]));
    assert.ok(store.snapshot().blocklist.has(C));
  });

  it('a missing file → LIST_FILE_UNREADABLE', () => {
    const store = new FileListStore({ addressBook: join(dir, 'nope.json') });
    assert.throws(
      () => store.snapshot(),
      (e: unknown) => e instanceof ListError && e.code === 'LIST_FILE_UNREADABLE',
    );
  });
});

describe('staticLists', () => {
  it('lower-cases every address', () => {
    const lists = staticLists({ addressBook: { [A]: 'Friend' }, allowlist: [A], blocklist: { [A]: 'x' } });
    const a = A.toLowerCase() as `0x${string}`;
    assert.equal(lists.addressBook.get(a), 'Friend');
    assert.ok(lists.allowlist.has(a));
    assert.equal(lists.blocklist.get(a), 'x');
  });
});
