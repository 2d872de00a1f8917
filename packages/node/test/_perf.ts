import { randomSigningKey } from '@cairn/node';
import { keygenJobOf, signJobOf, transferBody } from './helpers/fixtures.ts';
import { post, startProcessCluster } from './helpers/process-cluster.ts';
const c = await startProcessCluster({ sessionTimeoutMs: 20000 });
try {
  await c.installCommittee();
  const initiator = randomSigningKey();
  const job = keygenJobOf({ vaultId: 'v', admins: c.admins.slice(0, 2), initiators: [initiator] });
  await Promise.all(c.nodes.map((n) => post(n.url, '/v1/keygen', job)));
  const one = async (signers: number[]) => {
    const j = signJobOf({ body: transferBody('v'), initiator, signers });
    const t0 = performance.now();
    const rs = await Promise.all(signers.map((s) => post(c.nodes[s - 1]!.url, '/v1/sign', j)));
    if (rs[0]!.status !== 200) throw new Error(JSON.stringify(rs[0]!.body));
    return performance.now() - t0;
  };
  const times: number[] = [];
  for (let i = 0; i < 60; i++) times.push(await one([1, 2]));
  times.sort((a, b) => a - b);
  console.log('sequential p50', times[30]!.toFixed(1), 'min', times[0]!.toFixed(1));
  for (const n of c.nodes) {
    n.child.kill('SIGTERM');
    await n.exited;
  }
} finally {
  await c.close();
}
