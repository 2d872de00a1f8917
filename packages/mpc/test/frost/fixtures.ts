// Shared by the FROST tests: a typed-error matcher, the three ciphersuites, and Ed25519 encodings
// every decoder must handle.
import assert from 'node:assert/strict';
import { frost, MpcError } from '@cairn/mpc';
import { hexToBytes } from '@noble/hashes/utils.js';

/** An assert.throws matcher for an MpcError with the given code. */
export const code = (expected: string) => (e: unknown) => {
  assert.ok(e instanceof MpcError, `expected MpcError, got ${String(e)}`);
  assert.equal(e.code, expected, e.message);
  return true;
};

export const suites = [frost.ed25519Suite, frost.secp256k1Suite, frost.taprootSuite];

// Ed25519: y = p (non-canonical encoding of y = 0), a point of order 8, the identity, off the curve.
export const ED_NON_CANONICAL = hexToBytes(`ed${'ff'.repeat(30)}7f`);
export const ED_SMALL_ORDER = hexToBytes('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
export const ED_IDENTITY = hexToBytes(`01${'00'.repeat(31)}`);
export const ED_OFF_CURVE = hexToBytes(`02${'00'.repeat(31)}`); // y = 2 has no x on the curve
