// Three (or n) signer nodes in one process over an in-memory network: fast tests of the node's
// pipeline, runner and stores. The real-process tests use process-cluster.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, parseNodeConfig, publicKeyOf, randomSigningKey, SignerNode } from '@cairn/node';
import { InMemoryNetwork } from '@cairn/transport';
import { installInProcessCommittee } from './fixtures.ts';

export const PASSPHRASE = 'correct horse battery staple';

export interface InProcessCluster {
  nodes: SignerNode[];
  admins: Uint8Array[];
  network: InMemoryNetwork;
  logs: string[];
  dir: string;
  close(): Promise<void>;
}

export async function startInProcessCluster(
  params: { n?: number; sessionTimeoutMs?: number } = {},
): Promise<InProcessCluster> {
  const n = params.n ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-node-'));
  const admins = [randomSigningKey(), randomSigningKey(), randomSigningKey()];
  const network = new InMemoryNetwork();
  const logs: string[] = [];
  const nodes: SignerNode[] = [];
  for (let i = 1; i <= n; i++) {
    const config = parseNodeConfig({
      nodeId: `node-${i}`,
      partyId: i,
      dataDir: join(dir, `node-${i}`),
      admins: { keys: admins.map(publicKeyOf), quorum: 2 },
      sessionTimeoutMs: params.sessionTimeoutMs ?? 2000,
    });
    nodes.push(
      await SignerNode.start({
        config,
        passphrase: PASSPHRASE,
        log: createLogger({ nodeId: config.nodeId, write: (line) => logs.push(line) }),
        carrier: () => network.carrier(config.nodeId),
      }),
    );
  }
  installInProcessCommittee(nodes, admins);
  return {
    nodes,
    admins,
    network,
    logs,
    dir,
    async close() {
      for (const node of nodes) await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
