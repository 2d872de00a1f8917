// Signer node configuration (docs/signing-path.md "Signer node process"): a JSON file validated
// with zod. The passphrase never lives in the config: it comes from an environment variable or
// a file the operator controls.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { NodeError } from './errors.ts';
import { ed25519PublicKey, identifier, partyIdSchema } from './statements/encoding.ts';

export const nodeConfigSchema = z.strictObject({
  nodeId: identifier,
  partyId: partyIdSchema,
  dataDir: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  /** Trust anchor: the admin keys and how many must sign committees and keygen jobs. */
  admins: z
    .strictObject({ keys: z.array(ed25519PublicKey).min(1).max(64), quorum: z.number().int().min(1) })
    .refine((a) => a.quorum <= new Set(a.keys).size, { message: 'quorum exceeds the number of admin keys' }),
  passphraseEnv: z.string().min(1).default('CAIRN_NODE_PASSPHRASE'),
  passphraseFile: z.string().min(1).optional(),
  /**
   * An admin-signed committee document to install at startup (same checks as POST /v1/committee).
   * A file that is present but refused stops the node; a missing file is only a warning.
   */
  committeeFile: z.string().min(1).optional(),
  /**
   * scrypt cost: N = 2^logN (at least 2^15; default 2^17 with r = 8, about 128 MiB and a few
   * hundred ms once at start-up, per current scrypt guidance). Only used when a data directory
   * is initialised; an existing one keeps the parameters it was created with.
   */
  kdfLogN: z.number().int().min(15).max(22).default(17),
  /** How this node sends envelopes to peers: one WebSocket per peer (default) or an HTTP POST per envelope. */
  carrier: z.enum(['websocket', 'http']).default('websocket'),
  /** A protocol session that makes no progress for this long is aborted and cleaned up. */
  sessionTimeoutMs: z.number().int().min(100).max(600_000).default(15_000),
  /** Longest accepted request lifetime (expiresAt - createdAt) and clock skew, in seconds. */
  maxRequestLifetimeSeconds: z
    .number()
    .int()
    .min(1)
    .default(24 * 3600),
  clockSkewSeconds: z.number().int().min(0).default(60),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /**
   * Policy (issue 6, docs/policy.md §7): with this section every sign job must carry a decision,
   * approvals and a policy hash that agree with this node's own evaluation. `genesisFile` holds
   * the admin-signed genesis ({ state, signatures }); it is pinned in the node database on first
   * start, and later changes arrive admin-signed through POST /v1/policy/changes.
   */
  policy: z
    .strictObject({
      genesisFile: z.string().min(1).optional(),
      /** Decimals of ERC-20 tokens by "chainId:lowercase address" (default 18, as the coordinator). */
      assetDecimals: z.record(z.string(), z.number().int().min(0).max(36)).optional(),
    })
    .optional(),
  /**
   * Intent verification (issue 5): chains this node re-simulates on with its own RPC; on other
   * chains the relayed report is verified (digest, binding to the request) and its facts used.
   */
  intent: z
    .strictObject({
      chains: z
        .array(z.strictObject({ chainId: z.number().int().min(1), rpcUrl: z.url() }))
        .max(64)
        .default([]),
      timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
      /** How far the relayed simulation's block may lag this node's head. */
      maxBlockLag: z.number().int().min(0).max(100_000).default(64),
    })
    .optional(),
  /** The logs (the coordinator's) this node cosigns as a witness: origin and owner verifier key. */
  audit: z
    .strictObject({
      witnessOf: z
        .array(z.strictObject({ origin: z.string().min(1).max(256), key: z.string().min(1).max(512) }))
        .max(16)
        .default([]),
    })
    .optional(),
});
export type NodeConfig = z.infer<typeof nodeConfigSchema>;

export function parseNodeConfig(input: unknown, baseDir = process.cwd()): NodeConfig {
  const result = nodeConfigSchema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new NodeError('CONFIG_INVALID', `invalid node config: ${detail}`);
  }
  const config = result.data;
  return {
    ...config,
    dataDir: resolve(baseDir, config.dataDir),
    passphraseFile: config.passphraseFile ? resolve(baseDir, config.passphraseFile) : undefined,
    committeeFile: config.committeeFile ? resolve(baseDir, config.committeeFile) : undefined,
    ...(config.policy
      ? {
          policy: {
            ...config.policy,
            ...(config.policy.genesisFile
              ? { genesisFile: resolve(baseDir, config.policy.genesisFile) }
              : {}),
          },
        }
      : {}),
  };
}

export function loadNodeConfig(path: string): NodeConfig {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    throw new NodeError('CONFIG_INVALID', `cannot read config file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new NodeError('CONFIG_INVALID', `config file ${path} is not valid JSON`);
  }
  return parseNodeConfig(json, resolve(path, '..'));
}

/** Reads the operator passphrase from the configured file, else the configured environment variable. */
export function readPassphrase(config: NodeConfig, env: NodeJS.ProcessEnv = process.env): string {
  let passphrase: string | undefined;
  if (config.passphraseFile) {
    try {
      passphrase = readFileSync(config.passphraseFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new NodeError(
        'PASSPHRASE_MISSING',
        `cannot read passphrase file ${config.passphraseFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  } else {
    passphrase = env[config.passphraseEnv];
  }
  if (passphrase === undefined || passphrase.length === 0) {
    throw new NodeError(
      'PASSPHRASE_MISSING',
      `no passphrase: set the ${config.passphraseEnv} environment variable or passphraseFile in the config`,
    );
  }
  if (passphrase.length < 8)
    throw new NodeError('PASSPHRASE_MISSING', 'the passphrase must have at least 8 characters');
  return passphrase;
}
