import { randomBytes } from 'node:crypto';
import { frostEd25519, frostSecp256k1, frostTaproot, runProtocol, type FrostScheme } from '@cairn/mpc';
const scheme = { ed: frostEd25519, k1: frostSecp256k1, tr: frostTaproot }[
  process.argv[2] as 'ed'
] as FrostScheme;
const parties = [1, 2, 3];
const sid = () => new Uint8Array(randomBytes(32));
const s0 = sid();
const shares = runProtocol({
  parties: parties.map((party) => scheme.dkg({ sessionId: s0, party, parties, threshold: 2 })),
});
const msg = new Uint8Array(32);
const signing = [shares.get(1)!, shares.get(2)!];
const run = () => {
  const sessionId = sid();
  runProtocol({
    parties: signing.map((share) => scheme.sign({ sessionId, share, signers: [1, 2], message: msg })),
  });
};
for (let i = 0; i < 50; i++) run();
const N = Number(process.argv[3] ?? 200);
const times: number[] = [];
for (let i = 0; i < N; i++) {
  const t = performance.now();
  run();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(process.argv[2], 'sign p50 ms', times[N >> 1]!.toFixed(3), 'min', times[0]!.toFixed(3));
const d: number[] = [];
for (let i = 0; i < 20; i++) {
  const t = performance.now();
  const s = sid();
  runProtocol({
    parties: parties.map((party) => scheme.dkg({ sessionId: s, party, parties, threshold: 2 })),
  });
  d.push(performance.now() - t);
}
d.sort((a, b) => a - b);
console.log(process.argv[2], 'dkg p50 ms', d[10]!.toFixed(3), 'min', d[0]!.toFixed(3));
