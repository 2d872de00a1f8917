import { randomBytes } from 'node:crypto';
import { frostEd25519, frostSecp256k1, frostTaproot, runProtocol, type FrostScheme } from '@cairn/mpc';
const scheme = { ed: frostEd25519, k1: frostSecp256k1, tr: frostTaproot }[process.argv[2] as 'ed'] as FrostScheme;
const parties = [1, 2, 3];
const sid = () => new Uint8Array(randomBytes(32));
const s0 = sid();
const shares = runProtocol({ parties: parties.map((party) => scheme.dkg({ sessionId: s0, party, parties, threshold: 2 })) });
const msg = new Uint8Array(32);
const signing = [shares.get(1)!, shares.get(2)!];
const run = () => { const sessionId = sid(); runProtocol({ parties: signing.map((share) => scheme.sign({ sessionId, share, signers: [1, 2], message: msg })) }); };
for (let i = 0; i < 50; i++) run();
const c0 = process.cpuUsage(); const N = Number(process.argv[3] ?? 200);
for (let i = 0; i < N; i++) run();
const cu = process.cpuUsage(c0); console.log('sign cpu ms', (cu.user + cu.system) / 1000 / N);
const d0 = process.cpuUsage();
for (let i = 0; i < 10; i++) { const s = sid(); runProtocol({ parties: parties.map((party) => scheme.dkg({ sessionId: s, party, parties, threshold: 2 })) }); }
const du = process.cpuUsage(d0); console.log('dkg cpu ms', (du.user + du.system) / 1000 / 10);
