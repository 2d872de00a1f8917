// Coordinator configuration (JSON file for `main.ts`, or an object for `startCoordinator`).
import { z } from 'zod';

export const coordinatorConfigSchema = z.strictObject({
  host: z.literal('127.0.0.1').default('127.0.0.1'),
  /** 0 = any free port. */
  port: z.number().int().min(0).max(65535).default(8080),
  /** SQLite file (`:memory:` for throwaway instances). */
  dbPath: z.string().min(1),
  chains: z
    .array(z.strictObject({ chainId: z.number().int().min(1), rpcUrl: z.url() }))
    .max(64)
    .default([]),
  nodes: z
    .array(
      z.strictObject({
        nodeId: z.string().min(1),
        partyId: z.number().int().min(1).max(0xffff),
        url: z.url(),
      }),
    )
    .max(256),
  /** Admin trust anchor; when set, keygen jobs are checked here too (nodes always check). */
  admins: z
    .strictObject({
      keys: z.array(z.string().regex(/^0x[0-9a-f]{64}$/)).min(1),
      quorum: z.number().int().min(1),
    })
    .optional(),
  /**
   * The policy (docs/coordinator-wiring.md): the admin-signed genesis every signer node is
   * provisioned with (`{ state, signatures }`, docs/policy.md §5). With it, every request is
   * simulated and decided before any sign job, and approvals are collected here.
   */
  policy: z
    .strictObject({
      genesis: z.unknown(),
      /** ERC-20 decimals the deployment knows ({ "<chainId>:<token lowercase>": decimals }); default 18. */
      assetDecimals: z.record(z.string(), z.number().int().min(0).max(36)).optional(),
    })
    .optional(),
  /** Intent analysis before signing; on by default when a policy is configured. */
  intent: z
    .strictObject({
      enabled: z.boolean().optional(),
      /** Budget of one simulation in ms. */
      timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
      /** RPC to fork from, by chain id, when it is not the chain's broadcast RPC. */
      rpcUrls: z.record(z.string().regex(/^[0-9]+$/), z.url()).optional(),
    })
    .optional(),
  /** The coordinator's audit log (docs/audit.md); checkpoints are cosigned by every node listed. */
  audit: z
    .strictObject({
      /** Checkpoint origin line. */
      origin: z.string().min(1).max(256).default('cairn.local/audit/coordinator'),
      /** SQLite file of the log (default: next to dbPath; ":memory:" when dbPath is). */
      dbPath: z.string().min(1).optional(),
      /** The log's key file (hex secret, created with mode 0600; default: next to dbPath). */
      keyFile: z.string().min(1).optional(),
      /** Witness names by node id (default: the node id); the node's witness endpoint is used. */
      witnesses: z.record(z.string(), z.string().min(1)).optional(),
      /** Cosign with the nodes (default true). */
      cosign: z.boolean().default(true),
      checkpointIntervalMs: z.number().int().min(100).default(5000),
    })
    .optional(),
  signTimeoutMs: z.number().int().min(100).default(20_000),
  keygenTimeoutMs: z.number().int().min(100).default(120_000),
  maxSignAttempts: z.number().int().min(1).max(16).default(4),
  /** Longest lifetime (expiresAt − now) the API accepts for a request. */
  maxRequestLifetimeSeconds: z.number().int().min(1).default(3600),
  healthIntervalMs: z.number().int().min(100).default(3000),
  receiptPollMs: z.number().int().min(10).default(100),
});
export type CoordinatorConfig = z.output<typeof coordinatorConfigSchema>;
export type CoordinatorConfigInput = z.input<typeof coordinatorConfigSchema>;
