import { randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { dkls23 } from '../../src/dkls23/index.ts';
import { thresholdSchemeSuite } from '../threshold-scheme.suite.ts';

thresholdSchemeSuite({
  scheme: dkls23,
  committees: [
    [2, 3],
    [3, 5],
    [4, 7],
  ],
  message: () => new Uint8Array(randomBytes(32)),
  verify: (publicKey, message, signature) =>
    signature.bytes.length === 64 &&
    secp256k1.verify(signature.bytes, message, publicKey, { prehash: false, lowS: true }),
});
