// The embedded default on one machine (`cairn dev`, `npm start`, the end-to-end tests): a local
// anvil chain with the demo ERC-20, three signer-node processes with their own data directories
// and passphrase files, an admin-signed committee installed on every node, and the coordinator
// process. Dev keys (two admins, quorum 2, and one initiator) are generated into the dev
// directory with mode 0600. Everything binds 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ANVIL_DEV_PRIVATE_KEYS,
  type Anvil,
  type DeployedDemoToken,
  deployDemoToken,
  freePort,
  startAnvil,
} from '@cairn/chains';
import { type Committee, publicKeyOf, randomSigningKey, signCommittee } from '@cairn/node';
import type { CoordinatorConfigInput } from '../config.ts';
import { type DevState, readDevState, readKeyFile } from './dev-state.ts';
import { type DevGovernance, prepareDevGovernance } from './dev-governance.ts';
import { JsonLineChild } from './process-child.ts';

export interface DevClusterOptions {
  /** Directory for keys, node data, the coordinator database, logs and state.json. */
  dir: string;
  /** Preferred coordinator port (default 8080; a free one is used when it is busy; 0 = any). */
  coordinatorPort?: number;
  /** Number of signer nodes (default 3). */
  nodes?: number;
  /** Progress lines (`cairn dev` prints them). */
  progress?: (line: string) => void;
  /** Extra node config fields (e.g. a shorter sessionTimeoutMs in tests). */
  nodeConfig?: Record<string, unknown>;
  /** Extra coordinator config fields. */
  coordinatorConfig?: Partial<CoordinatorConfigInput>;
  /** Signer-node entry script (default: @cairn/node's main.ts). */
  nodeMain?: string;
  /**
   * Intent, policy, approvals and audit (docs/coordinator-wiring.md): a dev genesis signed by the
   * dev admins with three dev approvers, every node re-simulating on the local chain and
   * witnessing the coordinator's audit log. `cairn dev` turns it on (default off here).
   */
  governance?: boolean;
}

export interface DevNode {
  nodeId: string;
  partyId: number;
  port: number;
  url: string;
  child: JsonLineChild;
}

const nodeMain = fileURLToPath(new URL('main.ts', import.meta.resolve('@cairn/node')));
const coordinatorMain = join(import.meta.dirname, '..', 'main.ts');

function writeSecret(path: string, text: string): void {
  writeFileSync(path, `${text}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export class DevCluster {
  readonly dir: string;
  anvil!: Anvil;
  token!: DeployedDemoToken;
  nodes: DevNode[] = [];
  coordinator!: JsonLineChild;
  coordinatorUrl = '';
  state!: DevState;
  /** Keys and genesis of the dev governance (when started with `governance`). */
  governance: DevGovernance | null = null;
  private readonly options: DevClusterOptions;

  private constructor(options: DevClusterOptions) {
    this.options = options;
    this.dir = options.dir;
  }

  private progress(line: string) {
    this.options.progress?.(line);
  }

  /** Starts everything; on failure stops what was started and rethrows. */
  static async start(options: DevClusterOptions): Promise<DevCluster> {
    const cluster = new DevCluster(options);
    try {
      await cluster.boot();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private async boot(): Promise<void> {
    const dir = this.dir;
    const running = readDevState(dir);
    if (running && running.pid !== process.pid && isAlive(running.pid)) {
      throw new Error(
        `a dev cluster is already running from ${dir} (pid ${running.pid}, API ${running.apiUrl}); stop it first`,
      );
    }
    // Fresh run data every start: the local chain starts empty, so old vaults would be meaningless.
    for (const sub of ['nodes', 'coordinator', 'logs'])
      rmSync(join(dir, sub), { recursive: true, force: true });
    for (const sub of ['keys', 'nodes', 'coordinator', 'logs'])
      mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });

    const keyFile = (name: string) => join(dir, 'keys', `${name}.key`);
    for (const name of ['admin-1', 'admin-2', 'initiator']) {
      if (!existsSync(keyFile(name))) writeSecret(keyFile(name), hex(randomSigningKey()));
    }
    const admins = ['admin-1', 'admin-2'].map((n) => readKeyFile(keyFile(n)));
    const adminTrust = { keys: admins.map(publicKeyOf), quorum: 2 };
    this.progress(`• dev keys: 2 admins (quorum 2) and 1 initiator in ${join(dir, 'keys')}`);

    this.progress('• starting the local chain (anvil) …');
    this.anvil = await startAnvil();
    const funderAccount = 0;
    this.token = await deployDemoToken({
      rpcUrl: this.anvil.rpcUrl,
      privateKey: ANVIL_DEV_PRIVATE_KEYS[funderAccount],
    });
    this.progress(
      `  chain ${this.anvil.chainId} at ${this.anvil.rpcUrl}; demo ERC-20 ${this.token.symbol} at ${this.token.address}`,
    );

    if (this.options.governance) {
      this.governance = prepareDevGovernance({
        dir,
        chainId: this.anvil.chainId,
        token: this.token.address,
        tokenDecimals: this.token.decimals,
        adminSecrets: admins,
      });
      this.progress(
        `• policy: dev genesis signed by the 2 admins; approvers approver-1..3 (2 needed) in ${join(dir, 'keys')}`,
      );
    }
    const g = this.governance;
    const governedNode = g
      ? {
          policy: { genesisFile: g.genesisFile },
          intent: { chains: [{ chainId: this.anvil.chainId, rpcUrl: this.anvil.rpcUrl }] },
          audit: { witnessOf: [{ origin: g.audit.origin, key: g.audit.verifierKey }] },
        }
      : {};
    const count = this.options.nodes ?? 3;
    for (let i = 1; i <= count; i++) {
      const nodeId = `node-${i}`;
      const home = join(dir, 'nodes', nodeId);
      mkdirSync(home, { recursive: true, mode: 0o700 });
      writeSecret(join(home, 'passphrase'), hex(randomBytes(24)));
      const port = await freePort();
      writeFileSync(
        join(home, 'config.json'),
        `${JSON.stringify(
          {
            nodeId,
            partyId: i,
            dataDir: './data',
            host: '127.0.0.1',
            port,
            admins: adminTrust,
            passphraseFile: './passphrase',
            ...governedNode,
            ...this.options.nodeConfig,
          },
          null,
          2,
        )}\n`,
      );
      const child = new JsonLineChild({
        name: nodeId,
        script: this.options.nodeMain ?? nodeMain,
        args: ['--config', join(home, 'config.json')],
        logFile: join(dir, 'logs', `${nodeId}.log`),
      });
      this.nodes.push({ nodeId, partyId: i, port, url: `http://127.0.0.1:${port}`, child });
    }
    this.progress(`• starting ${count} signer nodes …`);
    await Promise.all(this.nodes.map((n) => n.child.start()));
    for (const n of this.nodes) this.progress(`  ${n.nodeId} (party ${n.partyId}) at ${n.url}`);

    const committee = await this.buildCommittee(admins);
    this.progress(
      `• installing the admin-signed committee (${committee.members.length} members) on every node …`,
    );
    await Promise.all(this.nodes.map((n) => this.installCommittee(n, committee)));

    const preferred = this.options.coordinatorPort ?? 8080;
    const port = preferred !== 0 && (await portIsFree(preferred)) ? preferred : await freePort();
    const config: CoordinatorConfigInput = {
      port,
      dbPath: join(dir, 'coordinator', 'coordinator.db'),
      chains: [{ chainId: this.anvil.chainId, rpcUrl: this.anvil.rpcUrl }],
      nodes: this.nodes.map((n) => ({ nodeId: n.nodeId, partyId: n.partyId, url: n.url })),
      admins: adminTrust,
      ...(g
        ? {
            policy: { genesis: g.genesis },
            audit: { origin: g.audit.origin, keyFile: g.audit.keyFile, checkpointIntervalMs: 5000 },
          }
        : {}),
      ...this.options.coordinatorConfig,
    };
    writeFileSync(join(dir, 'coordinator', 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    this.coordinator = new JsonLineChild({
      name: 'coordinator',
      script: coordinatorMain,
      args: ['--config', join(dir, 'coordinator', 'config.json')],
      logFile: join(dir, 'logs', 'coordinator.log'),
    });
    this.progress('• starting the coordinator …');
    this.coordinatorUrl = await this.coordinator.start();

    this.state = {
      version: 1,
      apiUrl: this.coordinatorUrl,
      rpcUrl: this.anvil.rpcUrl,
      chainId: this.anvil.chainId,
      token: { address: this.token.address, symbol: this.token.symbol, decimals: this.token.decimals },
      nodes: this.nodes.map((n) => ({ nodeId: n.nodeId, partyId: n.partyId, url: n.url })),
      keys: { admins: ['admin-1', 'admin-2'].map(keyFile), adminQuorum: 2, initiator: keyFile('initiator') },
      funderAccount,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    };
    writeFileSync(join(dir, 'state.json'), `${JSON.stringify(this.state, null, 2)}\n`);
  }

  private async buildCommittee(admins: Uint8Array[]): Promise<Committee> {
    const members = await Promise.all(
      this.nodes.map(async (n) => {
        const health = (await (await fetch(`${n.url}/v1/health`)).json()) as {
          signingKey: string;
          encryptionKey: string;
        };
        return {
          nodeId: n.nodeId,
          partyId: n.partyId,
          signingKey: health.signingKey,
          encryptionKey: health.encryptionKey,
          url: n.url,
        };
      }),
    );
    return signCommittee({ committeeId: 'dev', version: 1, members }, admins);
  }

  private async installCommittee(n: DevNode, committee: Committee): Promise<void> {
    const response = await fetch(`${n.url}/v1/committee`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(committee),
    });
    if (!response.ok) throw new Error(`${n.nodeId} refused the committee: ${await response.text()}`);
  }

  /** Starts a stopped node again (same config, port and data). */
  async startNode(index: number): Promise<void> {
    await this.nodes[index]!.child.start();
  }

  /** Starts the coordinator process again (same config and database). */
  async startCoordinator(): Promise<string> {
    this.coordinatorUrl = await this.coordinator.start();
    return this.coordinatorUrl;
  }

  /** Stops the coordinator, the nodes and the chain (children first, gracefully). */
  async stop(): Promise<void> {
    await this.coordinator?.stop();
    await Promise.all(this.nodes.map((n) => n.child.stop()));
    await this.anvil?.stop();
    if (this.state) rmSync(join(this.dir, 'state.json'), { force: true });
  }

  /** Synchronous last resort on process exit: SIGKILL every child still running. */
  killAllSync(): void {
    for (const c of [this.coordinator, ...this.nodes.map((n) => n.child)]) {
      if (c?.running) c.process!.kill('SIGKILL');
    }
    this.anvil?.process.kill('SIGKILL');
  }
}
