// Three in-process signer nodes configured with a policy (each with its own database, ledger and
// audit log) over an in-memory network, with one vault created by keygen. The threshold protocol
// is the toy double (tests of the node's checks, not of DKLs23).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ChainView,
  createLogger,
  type KeygenResponse,
  parseNodeConfig,
  publicKeyOf,
  randomSigningKey,
  registerScheme,
  SignerNode,
} from '@cairn/node';
import type { GovernedState } from '@cairn/policy';
import { InMemoryNetwork } from '@cairn/transport';
import { installInProcessCommittee, keygenJobOf } from '../helpers/fixtures.ts';
import { toyEcdsaScheme } from '../helpers/toy-ecdsa-scheme.ts';
import { genesisState, signedGenesis } from './policy-fixtures.ts';

registerScheme(toyEcdsaScheme);

export const PASSPHRASE = 'wiring test passphrase';

export interface WiredCluster {
  nodes: SignerNode[];
  admins: Uint8Array[];
  initiator: Uint8Array;
  genesis: GovernedState;
  vault: KeygenResponse;
  logs: string[];
  dir: string;
  restart(index: number): Promise<SignerNode>;
  /** Stops node `index` and tries to start it with another genesis file (expected to fail). */
  startWithGenesis(index: number, genesisFile: string): Promise<SignerNode>;
  close(): Promise<void>;
}

export async function startWiredCluster(
  params: { policy?: boolean; chainView?: (chainId: number) => ChainView | undefined } = {},
): Promise<WiredCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-wiring-'));
  const admins = [randomSigningKey(), randomSigningKey(), randomSigningKey()];
  const initiator = randomSigningKey();
  const genesis = genesisState(Date.now() - 3_600_000);
  const genesisFile = join(dir, 'genesis.json');
  writeFileSync(genesisFile, JSON.stringify(signedGenesis(genesis)));
  const network = new InMemoryNetwork();
  const logs: string[] = [];
  const configOf = (i: number, genesis = genesisFile) =>
    parseNodeConfig({
      nodeId: `node-${i}`,
      partyId: i,
      dataDir: join(dir, `node-${i}`),
      admins: { keys: admins.map(publicKeyOf), quorum: 2 },
      sessionTimeoutMs: 3000,
      ...(params.policy === false ? {} : { policy: { genesisFile: genesis } }),
    });
  const start = (i: number, genesis?: string) => {
    const config = configOf(i, genesis);
    return SignerNode.start({
      config,
      passphrase: PASSPHRASE,
      log: createLogger({ nodeId: config.nodeId, write: (line) => logs.push(line) }),
      carrier: () => network.carrier(config.nodeId),
      ...(params.chainView ? { chainView: params.chainView } : {}),
    });
  };
  const nodes: SignerNode[] = [];
  for (let i = 1; i <= 3; i++) nodes.push(await start(i));
  installInProcessCommittee(nodes, admins);
  const job = keygenJobOf({ vaultId: 'treasury', admins: admins.slice(0, 2), initiators: [initiator] });
  const [vault] = await Promise.all(nodes.map((n) => n.keygen(job)));
  return {
    nodes,
    admins,
    initiator,
    genesis,
    vault: vault!,
    logs,
    dir,
    async restart(index) {
      await nodes[index]!.close('test restart');
      nodes[index] = await start(index + 1);
      return nodes[index]!;
    },
    async startWithGenesis(index, file) {
      await nodes[index]!.close('test restart');
      return start(index + 1, file);
    },
    async close() {
      for (const node of nodes) await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
