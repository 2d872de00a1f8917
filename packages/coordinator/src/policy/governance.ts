// Governance changes submitted to the coordinator (docs/policy.md §5): the admin-signed change is
// checked and applied to the coordinator's own history (so it routes new requests under it),
// audited (policy.changed, membership.changed, addressbook.changed), and forwarded unchanged to
// every signer node, each of which verifies the admin quorum itself. Nodes are the authority: a
// node that refuses the change keeps refusing sign jobs decided under it.
import { type GovernedState, PolicyError, SignedChange } from '@cairn/policy';
import type { RequestAuditor } from '../audit/request-auditor.ts';
import type { CoordinatorPolicy } from './coordinator-policy.ts';

export interface NodeForwardResult {
  nodeId: string;
  ok: boolean;
  code?: string;
  message?: string;
}

/** Sends a signed change to one node. */
export type ForwardChange = (
  node: { nodeId: string; url: string },
  signed: unknown,
) => Promise<NodeForwardResult>;

/** Route of a node's governance endpoint. */
export const NODE_POLICY_CHANGE_PATH = '/v1/policy/changes';

/** Forwards over the node's HTTP API; never throws (an unreachable node is a result). */
export const httpForwardChange: ForwardChange = async (node, signed) => {
  try {
    const r = await fetch(new URL(NODE_POLICY_CHANGE_PATH, node.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signed),
      signal: AbortSignal.timeout(10_000),
    });
    if (r.ok) return { nodeId: node.nodeId, ok: true };
    const body = (await r.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    return {
      nodeId: node.nodeId,
      ok: false,
      code: body?.error?.code ?? `HTTP_${r.status}`,
      message: body?.error?.message ?? `HTTP ${r.status}`,
    };
  } catch (error) {
    return { nodeId: node.nodeId, ok: false, code: 'UNAVAILABLE', message: (error as Error).message };
  }
};

export interface SubmitChangeParameters {
  policy: CoordinatorPolicy;
  auditor: RequestAuditor | null;
  nodes: readonly { nodeId: string; url: string }[];
  forward: ForwardChange;
  signed: unknown;
  nowMs: number;
}

export interface SubmitChangeResult {
  version: number;
  hash: string;
  activatedAt: number;
  nodes: NodeForwardResult[];
}

/** Applies, audits and forwards a change. Throws PolicyError when the change does not apply here. */
export async function submitGovernanceChange(p: SubmitChangeParameters): Promise<SubmitChangeResult> {
  const parsed = SignedChange.safeParse(p.signed);
  if (!parsed.success) throw new PolicyError('INVALID_CHANGE', 'the body is not a signed change');
  const state: GovernedState = p.policy.applyChange(parsed.data, p.nowMs);
  const hash = p.policy.headHash;
  p.auditor?.governance({
    actor: p.auditor.trail.actor,
    state,
    hash,
    approvedBy: [...new Set(parsed.data.signatures.map((s) => s.adminId))].sort(),
    ops: parsed.data.change.ops,
    changeId: `v${state.version}`,
  });
  const nodes = await Promise.all(p.nodes.map((n) => p.forward(n, parsed.data)));
  return { version: state.version, hash, activatedAt: state.activatedAt, nodes };
}
