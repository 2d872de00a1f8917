// The generic ThresholdScheme suite, run for every FROST ciphersuite, with noble's standard
// verifiers (ed25519.verify, secp256k1 FROST verify, BIP-340 schnorr.verify) as oracle.
import { randomBytes } from 'node:crypto';
import { frostEd25519, frostSecp256k1, frostTaproot } from '@cairn/mpc';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { thresholdSchemeSuite } from '../threshold-scheme.suite.ts';

const committees = [
  [2, 3],
  [3, 5],
  [5, 9],
] as const;
const message = () => new Uint8Array(randomBytes(32));

thresholdSchemeSuite({
  scheme: frostEd25519,
  committees,
  message,
  verify: (pk, msg, sig) => ed25519.verify(sig.bytes, msg, pk, { zip215: false }),
});
thresholdSchemeSuite({
  scheme: frostSecp256k1,
  committees,
  message,
  verify: (pk, msg, sig) => secp256k1_FROST.verify(sig.bytes, msg, pk),
});
thresholdSchemeSuite({
  scheme: frostTaproot,
  committees,
  message,
  verify: (pk, msg, sig) => schnorr.verify(sig.bytes, msg, pk),
});
