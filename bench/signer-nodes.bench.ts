// Signer-node path without the coordinator: three real node processes on 127.0.0.1, DKLs23
// 2-of-3 signing of an EIP-1559 transfer through POST /v1/sign (pipeline + transport + protocol),
// sequential latency and throughput at a few concurrency levels; and the transport's
// per-envelope cost (seal + open of a 40 KB DKLs23-sized message).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { randomSigningKey } from '@cairn/node';
import { InMemoryNetwork, SecureTransport } from '@cairn/transport';
import { keygenJobOf, signJobOf, transferBody } from '../packages/node/test/helpers/fixtures.ts';
import { post, startProcessCluster } from '../packages/node/test/helpers/process-cluster.ts';
import { measure, report } from './harness.ts';

const SUITE = 'signer-nodes';

/** CPU time (user + system, ms) a process has used so far (Linux /proc; NaN elsewhere). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

async function transportCase(): Promise<void> {
  const network = new InMemoryNetwork();
  const ids = ['a', 'b'].map((nodeId) => ({
    nodeId,
    signingSecretKey: ed25519.utils.randomSecretKey(),
    encryptionSecretKey: x25519.utils.randomSecretKey(),
  }));
  const peers = ids.map((i) => ({
    nodeId: i.nodeId,
    signingKey: ed25519.getPublicKey(i.signingSecretKey),
    encryptionKey: x25519.getPublicKey(i.encryptionSecretKey),
  }));
  const [a, b] = ids.map(
    (identity) => new SecureTransport({ identity, carrier: network.carrier(identity.nodeId), peers }),
  );
  let got = 0;
  b!.onMessage(() => got++);
  network.interceptor = (e) => {
    b!.receive(e.bytes);
    return [];
  };
  const payload = new Uint8Array(randomBytes(40_000));
  const sessionId = new Uint8Array(randomBytes(32));
  report(
    await measure({
      suite: SUITE,
      name: 'envelope seal+open 40KB',
      params: { bytes: payload.length },
      iterations: 200,
      fn: () => a!.send('b', sessionId, payload),
    }),
    { delivered: got },
  );
}

export default async function (): Promise<void> {
  await transportCase();
  const cluster = await startProcessCluster({ sessionTimeoutMs: 30_000 });
  try {
    await cluster.installCommittee();
    const initiator = randomSigningKey();
    const job = keygenJobOf({
      vaultId: 'bench',
      admins: cluster.admins.slice(0, 2),
      initiators: [initiator],
    });
    const keygen = await measure({
      suite: SUITE,
      name: 'dkls23 keygen 2-of-3 (3 processes)',
      params: { t: 2, n: 3 },
      iterations: 1,
      warmup: 0,
      fn: async () => {
        const rs = await Promise.all(cluster.nodes.map((n) => post(n.url, '/v1/keygen', job)));
        if (rs.some((r) => r.status !== 200)) throw new Error(JSON.stringify(rs[0]!.body));
      },
    });
    report(keygen);
    const sets = [
      [1, 2],
      [2, 3],
      [1, 3],
    ];
    let k = 0;
    const signOnce = async () => {
      const signers = sets[k++ % sets.length]!;
      const j = signJobOf({ body: transferBody('bench'), initiator, signers });
      const rs = await Promise.all(signers.map((s) => post(cluster.nodes[s - 1]!.url, '/v1/sign', j)));
      if (rs.some((r) => r.status !== 200)) throw new Error(JSON.stringify(rs[0]!.body));
    };
    const nodesCpu = () => cluster.nodes.reduce((sum, n) => sum + cpuMs(n.child.pid), 0);
    const cpuBefore = nodesCpu();
    const signedBefore = k;
    const sequential = await measure({
      suite: SUITE,
      name: 'dkls23 sign 2-of-3 via node API (sequential)',
      params: { t: 2, n: 3, concurrency: 1 },
      iterations: 40,
      warmup: 5,
      fn: signOnce,
    });
    // CPU the node processes spent per signature (both signers together), independent of load.
    report(sequential, { node_cpu_ms_per_sign: Math.round((nodesCpu() - cpuBefore) / (k - signedBefore)) });
    for (const concurrency of [2, 4, 8]) {
      const total = 40;
      const latencies: number[] = [];
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next++ < total) {
            const t0 = performance.now();
            await signOnce();
            latencies.push(performance.now() - t0);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((x, y) => x - y);
      process.stdout.write(
        `${JSON.stringify({
          suite: SUITE,
          name: 'dkls23 sign 2-of-3 via node API (throughput)',
          params: { t: 2, n: 3, concurrency },
          p50_ms: Math.round(latencies[Math.floor(latencies.length / 2)]! * 1000) / 1000,
          p95_ms: Math.round(latencies[Math.ceil(latencies.length * 0.95) - 1]! * 1000) / 1000,
          ops_per_s: Math.round((total / seconds) * 1000) / 1000,
          samples: total,
        })}\n`,
      );
    }
  } finally {
    await cluster.close();
  }
}
