import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
const time = (name: string, n: number, f: () => unknown) => { for (let i=0;i<n;i++) f(); const t=performance.now(); for (let i=0;i<n;i++) f(); console.log(name, ((performance.now()-t)/n*1000).toFixed(1),'us'); };
const W = Number(process.argv[2]);
for (const [nm, P] of [['ed', ed25519.Point], ['k1', secp256k1.Point]] as const) {
  const Pt: any = P;
  const k2 = (Pt.Fn.ORDER - 1234567n*98765432123456789n);
  if (W) { const t0 = performance.now(); Pt.BASE.precompute(W, false); console.log('precompute', performance.now()-t0); }
  time(nm+' base.multiply', 300, () => Pt.BASE.multiply(k2));
  time(nm+' base.multiplyUnsafe', 300, () => Pt.BASE.multiplyUnsafe(k2));
  const X = Pt.BASE.multiply(k2);
  time(nm+' X.multiplyUnsafe', 100, () => X.multiplyUnsafe(k2));
  time(nm+' X.toBytes', 300, () => X.add(Pt.BASE).toBytes());
}
