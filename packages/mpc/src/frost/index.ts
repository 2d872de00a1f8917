// FROST (RFC 9591) for Cairn: the ThresholdScheme implementations and the pure round functions.
export * from './aggregate.ts';
export * from './ciphersuite.ts';
export * from './dealing.ts';
export * from './dkg.ts';
export * from './key-package.ts';
export * from './polynomial.ts';
export * from './presign.ts';
export * from './refresh.ts';
export * from './reshare.ts';
export * from './round1.ts';
export * from './round2.ts';
export * from './scheme.ts';
export * from './sign.ts';
export * from './signing-rounds.ts';
export { ed25519Suite } from './suites/ed25519.ts';
export { secp256k1Suite } from './suites/secp256k1.ts';
export { challengeBip340, hasEvenY, liftX, taprootSuite, xOnly } from './suites/taproot.ts';
export * from './taproot-tweak.ts';
