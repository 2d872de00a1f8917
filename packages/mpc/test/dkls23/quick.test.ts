import assert from 'node:assert/strict';
import { it } from 'node:test';
import { dkls23 } from '../../src/dkls23/index.ts';
import { runDkg, runSign } from '../threshold-scheme.suite.ts';
import { randomBytes } from 'node:crypto';
it('quick', () => {
  let t = performance.now();
  const shares = runDkg(dkls23, 2, [1, 2, 3]);
  console.log('dkg', performance.now() - t);
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const msg = new Uint8Array(randomBytes(32));
    const { outputs } = runSign(dkls23, [shares.get(1)!, shares.get(3)!], msg);
    console.log('sign', performance.now() - t);
    assert.ok(dkls23.verify({ publicKey: shares.get(1)!.publicKey, message: msg, signature: outputs.get(1)!.bytes }));
  }
});
