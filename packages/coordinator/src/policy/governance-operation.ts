// `cairn policy-activate`: proposes a governance change (a new policy document, or explicit ops:
// address book, users, groups, admin quorum), signs it with an admin quorum's keys over the
// change digest (docs/policy.md §5), and submits it to the coordinator, which applies it and
// forwards it to every signer node. The change binds the base version and hash the admins saw,
// so a coordinator showing a stale or forged base gets a BASE_MISMATCH from every node.
import { readFileSync } from 'node:fs';
import {
  type AdminSignature,
  CHANGE_FORMAT,
  type Change,
  ChangeOp,
  changeDigest,
  POLICY_FORMAT,
  parseStructured,
  type SignedChange,
  signEd25519,
} from '@cairn/policy';
import { z } from 'zod';
import type { CoordinatorClient } from '../client.ts';
import { OperatorError } from '../operations/operator-context.ts';
import type { UserKey } from './approve-operation.ts';

/** GET /v1/policy: the head of the coordinator's governed state history. */
export const policyHeadSchema = z.object({
  version: z.number().int(),
  hash: z.string(),
  activatedAt: z.number().int(),
  state: z.unknown(),
});
export type PolicyHead = z.infer<typeof policyHeadSchema>;

/** Reads the ops of a change from a file: a policy document (→ set_policy) or `{ ops: [...] }`. */
export function readChangeOps(path: string): Change['ops'] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new OperatorError('NOT_FOUND', `file ${path} not found`);
  }
  let value: unknown;
  try {
    value = parseStructured(text, path);
  } catch (error) {
    throw new OperatorError('INVALID_INPUT', (error as Error).message);
  }
  const v = value as { format?: unknown; ops?: unknown };
  const ops = v?.format === POLICY_FORMAT ? [{ op: 'set_policy', policy: value }] : v?.ops;
  const r = z.array(ChangeOp).min(1).max(1000).safeParse(ops);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new OperatorError(
      'INVALID_INPUT',
      `${path}: expected a ${POLICY_FORMAT} document or { "ops": [...] } (${i?.path.join('.') || 'root'}: ${i?.message})`,
    );
  }
  return r.data;
}

export interface ProposeChangeOptions {
  api: CoordinatorClient;
  ops: Change['ops'];
  admins: readonly UserKey[];
  /** Activation instant (ms; default now). */
  activatesAt?: number;
  description?: string;
  /** Seconds until the unsigned proposal lapses (default 1 hour). */
  ttlSeconds?: number;
  now?: number;
}

/** Builds the change against the current head and signs it with every given admin key. */
export function signChange(p: {
  head: PolicyHead;
  ops: Change['ops'];
  admins: readonly UserKey[];
  now: number;
  activatesAt?: number;
  description?: string;
  ttlSeconds?: number;
}): SignedChange {
  if (p.admins.length === 0) throw new OperatorError('USAGE', 'at least one --admin-key is needed');
  const change: Change = {
    format: CHANGE_FORMAT,
    baseVersion: p.head.version,
    baseHash: p.head.hash,
    activatesAt: Math.max(p.activatesAt ?? p.now, p.head.activatedAt + 1),
    proposedBy: p.admins[0]!.userId,
    proposedAt: p.now,
    expiresAt: p.now + (p.ttlSeconds ?? 3600) * 1000,
    ...(p.description ? { description: p.description } : {}),
    ops: p.ops,
  };
  const digest = changeDigest(change);
  const signatures: AdminSignature[] = p.admins.map((a) => ({
    adminId: a.userId,
    keyId: a.keyId,
    signature: signEd25519(digest, a.secretKey),
  }));
  return { change, signatures };
}

export async function proposeChangeOperation(o: ProposeChangeOptions): Promise<{
  signed: SignedChange;
  response: unknown;
}> {
  const { body } = await o.api.call<unknown>('GET', '/v1/policy');
  const head = policyHeadSchema.safeParse(body);
  if (!head.success) throw new OperatorError('FAILED', 'the coordinator has no policy (GET /v1/policy)');
  const signed = signChange({
    head: head.data,
    ops: o.ops,
    admins: o.admins,
    now: o.now ?? Date.now(),
    ...(o.activatesAt !== undefined ? { activatesAt: o.activatesAt } : {}),
    ...(o.description ? { description: o.description } : {}),
    ...(o.ttlSeconds !== undefined ? { ttlSeconds: o.ttlSeconds } : {}),
  });
  const response = await o.api.call<unknown>('POST', '/v1/policy/changes', signed);
  return { signed, response: response.body };
}
