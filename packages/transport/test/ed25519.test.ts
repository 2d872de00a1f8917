// The envelope signer (node:crypto) and @noble/curves' ed25519 agree on keys and signatures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed25519Signer, ed25519Verify } from '@cairn/transport';

describe('envelope Ed25519', () => {
  it('interoperates with @noble/curves in both directions', () => {
    for (let i = 0; i < 8; i++) {
      const secret = ed25519.utils.randomSecretKey();
      const pub = ed25519.getPublicKey(secret);
      const message = new Uint8Array(i * 31).fill(i);
      const native = ed25519Signer(secret)(message);
      assert.deepEqual(
        native,
        ed25519.sign(message, secret),
        'deterministic RFC 8032 signatures are identical',
      );
      assert.ok(ed25519.verify(native, message, pub));
      assert.ok(ed25519Verify(ed25519.sign(message, secret), message, pub));
    }
  });

  it('refuses wrong keys, altered messages and malformed input without throwing', () => {
    const secret = ed25519.utils.randomSecretKey();
    const pub = ed25519.getPublicKey(secret);
    const sig = ed25519Signer(secret)(Uint8Array.of(1, 2, 3));
    assert.equal(ed25519Verify(sig, Uint8Array.of(1, 2, 4), pub), false);
    assert.equal(
      ed25519Verify(sig, Uint8Array.of(1, 2, 3), ed25519.getPublicKey(ed25519.utils.randomSecretKey())),
      false,
    );
    assert.equal(ed25519Verify(sig.subarray(1), Uint8Array.of(1, 2, 3), pub), false);
    assert.equal(ed25519Verify(sig, Uint8Array.of(1, 2, 3), new Uint8Array(32).fill(0xff)), false);
    const high = sig.slice();
    high[63]! |= 0xe0; // S >= L: non-canonical, must be refused
    assert.equal(ed25519Verify(high, Uint8Array.of(1, 2, 3), pub), false);
  });
});
