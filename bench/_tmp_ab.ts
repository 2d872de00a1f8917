import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
const P: any = secp256k1.Point; const E: any = ed25519.Point;
const k = P.Fn.ORDER - 98765432123456789n * 1234567n;
const X = P.BASE.multiply(k - 5n), Y = P.BASE.multiply(k - 7n);
const EX = E.BASE.multiply(k % E.Fn.ORDER), EY = E.BASE.multiply((k - 9n) % E.Fn.ORDER);
const ke = k % E.Fn.ORDER;
const cases: Record<string, () => unknown> = {
  k1_glv1: () => X.multiplyUnsafe(k),
  k1_msm1: () => mulAddUnsafe(P, [X], [k]),
  k1_glv2: () => X.multiplyUnsafe(k).add(Y.multiplyUnsafe(k - 3n)),
  k1_msm2: () => mulAddUnsafe(P, [X, Y], [k, k - 3n]),
  k1_baseCT: () => P.BASE.multiply(k),
  ed_var1: () => EX.multiplyUnsafe(ke),
  ed_msm1: () => mulAddUnsafe(E, [EX], [ke]),
  ed_msm2: () => mulAddUnsafe(E, [EX, EY], [ke, ke - 3n]),
  ed_var2: () => EX.multiplyUnsafe(ke).add(EY.multiplyUnsafe(ke - 3n)),
  ed_baseCT: () => E.BASE.multiply(ke),
  ed_torsion: () => EX.isTorsionFree(),
};
const tot: Record<string, number> = {};
for (let round = 0; round < 8; round++) for (const [n, f] of Object.entries(cases)) { const t = performance.now(); for (let i = 0; i < 30; i++) f(); if (round > 1) tot[n] = (tot[n] ?? 0) + (performance.now() - t) / 30; }
for (const [n, v] of Object.entries(tot)) console.log(n, (v / 6 * 1000).toFixed(0), 'us');
