// The audit log's fast canonical JSON encoder must write exactly what @cairn/canonical writes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalize } from '@cairn/canonical';
import fc from 'fast-check';
import { canonicalJson, isCanonicalText } from '../src/index.ts';

const key = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '0',
    '1',
    '9',
    '10',
    '01',
    '-1',
    'a',
    'B',
    'é',
    '\u{1F600}',
    '__proto__x',
    '__proto__',
    'constructor',
    'toJSON',
  ),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string({ unit: 'grapheme' }),
    fc.string(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('canonical JSON', () => {
  it('matches @cairn/canonical on random plain JSON, sorted or not', () => {
    fc.assert(
      fc.property(json, (v) => {
        const shared = canonicalize(v);
        assert.equal(canonicalJson(v), shared);
        // Round trip: parsing canonical text and re-encoding is the identity, fast path or not.
        const parsed = JSON.parse(shared);
        assert.equal(canonicalJson(parsed), shared);
        assert.ok(isCanonicalText(shared, parsed));
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects what has no canonical encoding, and recognises non-canonical text', () => {
    for (const bad of [
      1.5,
      Number.NaN,
      2 ** 60,
      undefined,
      () => 1,
      [undefined],
      { a: new Date(0) },
      '\ud800',
    ]) {
      assert.throws(() => canonicalJson(bad), { code: 'NON_CANONICAL' }, String(bad));
    }
    assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'] }), '{"a":[true,null,"x"],"b":1}');
    assert.equal(canonicalJson({ 10: 'a', 9: 'b' }), '{"10":"a","9":"b"}');
    assert.equal(
      canonicalJson(JSON.parse('{"z":1,"__proto__":{"b":1,"a":2}}')),
      '{"__proto__":{"a":2,"b":1},"z":1}',
    );
    for (const text of [
      '{"b":1,"a":2}',
      '{"a": 1}',
      '{"a":1.0}',
      '{"a":"\\u0041"}',
      '{"a":1,"a":1}',
      '[1e2]',
    ]) {
      assert.equal(isCanonicalText(text, JSON.parse(text)), false, text);
    }
    assert.ok(isCanonicalText('{"10":"a","9":"b"}', JSON.parse('{"10":"a","9":"b"}')));
  });
});
