import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, digestHex, PolicyError } from '../src/index.ts';

describe('canonical JSON', () => {
  it('sorts keys recursively and drops undefined', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, 'x'], c: null }, u: undefined }),
      '{"a":{"c":null,"d":[1,"x"]},"b":1}',
    );
  });
  it('gives one encoding regardless of key insertion order', () => {
    assert.equal(
      canonicalJson({ x: 1, y: { p: true, q: 'é' } }),
      canonicalJson({ y: { q: 'é', p: true }, x: 1 }),
    );
  });
  it('writes bigints as decimal strings', () => {
    assert.equal(canonicalJson({ a: 10n ** 30n }), '{"a":"1000000000000000000000000000000"}');
  });
  for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, new Date(0), () => 1, Symbol('x')]) {
    it(`rejects ${String(typeof bad === 'symbol' ? 'symbol' : bad)}`, () => {
      assert.throws(
        () => canonicalJson({ a: bad }),
        (e: unknown) => e instanceof PolicyError && e.code === 'NON_CANONICAL',
      );
    });
  }
  it('domain-separates digests', () => {
    assert.notEqual(digestHex('a', { x: 1 }), digestHex('b', { x: 1 }));
    assert.equal(digestHex('a', { x: 1 }), digestHex('a', { x: 1 }));
    assert.match(digestHex('a', {}), /^[0-9a-f]{64}$/);
  });
});
