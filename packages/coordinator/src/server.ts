// Starts a coordinator: opens its database, resumes unfinished requests, serves the API on
// 127.0.0.1. `stop()` closes the server and leaves persisted state for the next start.
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { EvmChain } from '@cairn/chains';
import { stateHash } from '@cairn/policy';
import { serve } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { AuditTrail } from './audit/audit-trail.ts';
import { fetchWitnessKey, HttpWitness, witnessNameOfNode } from './audit/http-witness.ts';
import { RequestAuditor } from './audit/request-auditor.ts';
import { IntentService } from './intent/intent-service.ts';
import { IntentStore } from './intent/intent-store.ts';
import { CoordinatorPolicy } from './policy/coordinator-policy.ts';
import { PolicyStore } from './policy/policy-store.ts';
import { PreSignGate } from './policy/pre-sign-gate.ts';
import { type CoordinatorConfig, type CoordinatorConfigInput, coordinatorConfigSchema } from './config.ts';
import { jsonLogger, type Logger } from './log.ts';
import { type CoordinatorMetrics, createMetrics } from './metrics.ts';
import { NodeClient } from './signing/node-client.ts';
import { LedgerNoticeStore, LedgerNotifier } from './signing/ledger-notices.ts';
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
  /** Intent analysis and policy decision before signing (null without policy or intent). */
  readonly gate: PreSignGate | null;
  /** The coordinator's audit trail (null when not configured). */
  readonly auditor: RequestAuditor | null;
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
  const policy = config.policy
    ? CoordinatorPolicy.open({ store: new PolicyStore(db), genesis: config.policy.genesis })
    : null;
  const intentEnabled = config.intent?.enabled ?? config.policy !== undefined;
  const intent = intentEnabled
    ? new IntentService({
        store: new IntentStore(db),
        chains: config.chains.map((c) => ({
          chainId: c.chainId,
          rpcUrl: config.intent?.rpcUrls?.[String(c.chainId)] ?? c.rpcUrl,
        })),
        timeoutMs: config.intent?.timeoutMs ?? 10_000,
        registry: metrics.registry,
      })
    : null;
  const decimals = config.policy?.assetDecimals;
  const gate =
    policy || intent
      ? new PreSignGate({
          policy,
          intent,
          ...(decimals
            ? { assetDecimals: (chainId, token) => decimals[`${chainId}:${token.toLowerCase()}`] }
            : {}),
        })
      : null;
  let auditor: RequestAuditor | null = null;
  if (config.audit) {
    const a = config.audit;
    const beside = (name: string) =>
      config.dbPath === ':memory:' ? undefined : join(dirname(config.dbPath), name);
    const trail = await AuditTrail.open({
      path: a.dbPath ?? beside('audit.db') ?? ':memory:',
      origin: a.origin,
      ...((a.keyFile ?? beside('audit-log.key')) ? { keyFile: a.keyFile ?? beside('audit-log.key') } : {}),
      witnesses: a.cosign
        ? config.nodes.map(
            (n) =>
              new HttpWitness({ name: a.witnesses?.[n.nodeId] ?? witnessNameOfNode(n.nodeId), url: n.url }),
          )
        : [],
      logger,
    });
    auditor = new RequestAuditor({
      trail,
      intents: intent?.store ?? null,
      policy,
      findVault: (id) => vaults.find(id),
      nodeOf: (party) => config.nodes.find((n) => n.partyId === party)?.nodeId ?? `party-${party}`,
    });
    const audited = auditor;
    requests.onTransition((record, from, to) => audited.transitioned(record, from, to));
    vaults.onReady((v) => audited.keyGenerated(v));
    // The governed states in force, once each, so decisions in this log can be replayed.
    if (policy) {
      for (const state of policy.history.states()) {
        const hash = stateHash(state);
        if (await trail.markOnce(`policy:${hash}`)) {
          audited.governance({ actor: trail.actor, state, hash, approvedBy: [] });
        }
      }
    }
    trail.startPeriodicCheckpoints(a.checkpointIntervalMs);
  }
  const notifier = new LedgerNotifier({
    store: new LedgerNoticeStore(db),
    requests,
    vaults,
    health,
    logger,
    counter: metrics.ledgerNotices,
  });
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
    gate,
    notifier,
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
  const app = createApp({
    config,
    requests,
    vaults,
    health,
    chains,
    orchestrator,
    metrics,
    logger,
    gate,
    auditor,
    witnessKeys: async () =>
      (await Promise.all(config.nodes.map((n) => fetchWitnessKey(n.url).catch(() => null)))).filter(
        (k): k is string => k !== null,
      ),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;
  await health.probe();
  health.start(config.healthIntervalMs);
  // Undelivered ledger notices (and requests signed before any was recorded) are retried now and
  // on every health tick.
  notifier.start(config.healthIntervalMs);
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
    gate,
    auditor,
    async stop() {
      health.stop();
      notifier.stop();
      await orchestrator.stop();
      await intent?.close();
      await auditor?.trail.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      db.close();
    },
  };
}
