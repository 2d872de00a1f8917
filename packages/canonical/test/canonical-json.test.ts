import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CanonicalJsonError, canonicalize, digestOf, signingBytes } from '@cairn/canonical';

describe('canonical JSON', () => {
  it('sorts keys, drops whitespace and undefined members, and is independent of insertion order', () => {
    assert.equal(canonicalize({ b: 1, a: [true, null, 'x'], c: undefined }), '{"a":[true,null,"x"],"b":1}');
    assert.equal(canonicalize({ z: { y: 1, x: 2 }, a: 0 }), canonicalize({ a: 0, z: { x: 2, y: 1 } }));
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    assert.equal(
      canonicalize({ '\u20ac': 1, '\r': 2, a: 3, '\ud83d\ude00': 4 }),
      '{"\\r":2,"a":3,"€":1,"😀":4}',
    );
  });

  it('writes bigint as a decimal string and bytes as 0x hex', () => {
    assert.equal(
      canonicalize({ v: 10n ** 30n, b: Uint8Array.of(0, 255) }),
      '{"b":"0x00ff","v":"1000000000000000000000000000000"}',
    );
  });

  it('rejects floats, unsafe integers, NaN, undefined in arrays, non-plain objects, cycles and lone surrogates', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [
      1.5,
      2 ** 60,
      Number.NaN,
      [undefined],
      new Date(0),
      cyclic,
      '\ud800',
      () => 1,
      Symbol('x'),
    ]) {
      assert.throws(() => canonicalize(bad), CanonicalJsonError);
    }
  });

  it('separates domains: the same value signed for two purposes gives different bytes and digests', () => {
    assert.notDeepEqual(signingBytes('cairn/a/v1', { x: 1 }), signingBytes('cairn/b/v1', { x: 1 }));
    assert.notEqual(digestOf('cairn/a/v1', { x: 1 }), digestOf('cairn/b/v1', { x: 1 }));
    assert.match(digestOf('cairn/a/v1', { x: 1 }), /^0x[0-9a-f]{64}$/);
    assert.throws(() => signingBytes('Bad Domain', {}), CanonicalJsonError);
  });
});
