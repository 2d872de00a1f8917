// Starts a coordinator: opens its database, resumes unfinished requests, serves the API on
// 127.0.0.1. `stop()` closes the server and leaves persisted state for the next start.
import type { AddressInfo } from 'node:net';
import { EvmChain } from '@cairn/chains';
import { serve } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { type CoordinatorConfig, type CoordinatorConfigInput, coordinatorConfigSchema } from './config.ts';
import { jsonLogger, type Logger } from './log.ts';
import { type CoordinatorMetrics, createMetrics } from './metrics.ts';
import { NodeClient } from './signing/node-client.ts';
import { NodeHealth } from './signing/node-health.ts';
import { SigningOrchestrator } from './signing/orchestrator.ts';
import { openDatabase } from './store/database.ts';
import { RequestStore } from './store/request-store.ts';
import { VaultStore } from './store/vault-store.ts';

export interface Coordinator {
  readonly url: string;
  readonly port: number;
  readonly config: CoordinatorConfig;
  readonly requests: RequestStore;
  readonly vaults: VaultStore;
  readonly orchestrator: SigningOrchestrator;
  readonly metrics: CoordinatorMetrics;
  readonly health: NodeHealth;
  stop(): Promise<void>;
}

export async function startCoordinator(
  input: CoordinatorConfigInput,
  options: { logger?: Logger } = {},
): Promise<Coordinator> {
  const config = coordinatorConfigSchema.parse(input);
  const logger = options.logger ?? jsonLogger();
  const db = openDatabase(config.dbPath);
  const requests = new RequestStore(db);
  const vaults = new VaultStore(db);
  const metrics = createMetrics(() => requests.countByState());
  const clients = new Map(config.nodes.map((n) => [n.partyId, new NodeClient(n)]));
  const health = new NodeHealth(clients, (s) => metrics.nodeUp.set({ node: s.nodeId }, s.up ? 1 : 0));
  const chains = new Map(
    config.chains.map((c) => [
      c.chainId,
      new EvmChain({ rpcUrl: c.rpcUrl, pollingIntervalMs: config.receiptPollMs }),
    ]),
  );
  const orchestrator = new SigningOrchestrator({
    requests,
    vaults,
    health,
    chains,
    metrics,
    logger,
    signTimeoutMs: config.signTimeoutMs,
    maxAttempts: config.maxSignAttempts,
    receiptPollMs: config.receiptPollMs,
  });
  // A DKG cannot survive a restart of the process that was waiting for it.
  for (const v of vaults.listCreating()) {
    vaults.update(v.vaultId, {
      status: 'failed',
      errorCode: 'INTERRUPTED',
      errorMessage:
        'the coordinator restarted during key generation; create the vault again under a new name',
    });
    logger.log('warn', 'vault.keygen_interrupted', { vaultId: v.vaultId });
  }
  requests.pruneNonces(Math.floor(Date.now() / 1000));
  const app = createApp({ config, requests, vaults, health, chains, orchestrator, metrics, logger });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;
  await health.probe();
  health.start(config.healthIntervalMs);
  const resumed = orchestrator.resumeAll();
  logger.log('info', 'listening', {
    url,
    resumed,
    nodes: config.nodes.length,
    chains: config.chains.map((c) => c.chainId),
  });

  return {
    url,
    port,
    config,
    requests,
    vaults,
    orchestrator,
    metrics,
    health,
    async stop() {
      health.stop();
      await orchestrator.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      db.close();
    },
  };
}
