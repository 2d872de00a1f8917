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
