// Quorum evaluation (§6.3): AND/OR of approver groups with per-group thresholds, whether the
// initiator may approve, expiry, and rejection. Under mode `all`, each group's threshold must be
// met by distinct people: one approval never counts for two groups (separation of duties), which
// is a bipartite assignment (approvers → group slots) solved with augmenting paths.
import type { ApprovalStatement } from './approval.ts';
import type { ApprovalRequirement } from './decision.ts';

export type QuorumStatus = 'satisfied' | 'pending' | 'rejected' | 'expired';

export interface QuorumResult {
  status: QuorumStatus;
  /** Per required group: who approved (eligible members only). */
  groups: { group: string; threshold: number; approvedBy: string[] }[];
  /** Eligible approvers who rejected. */
  rejectedBy: string[];
  /** Statements that did not count, with why (e.g. the initiator approving its own request). */
  ignored: { approverId: string; reason: string }[];
  explanation: string;
}

export interface EvaluateQuorumParameters {
  requirement: ApprovalRequirement;
  /** Verified statements (see verifyApproval): already bound to this request and policy. */
  statements: readonly ApprovalStatement[];
  initiator: string;
  /** user id → groups, from the governed state the decision was made under. */
  groupsOf: ReadonlyMap<string, ReadonlySet<string>>;
  submittedAt: number;
  now: number;
}

export function evaluateQuorum(p: EvaluateQuorumParameters): QuorumResult {
  const req = p.requirement;
  const required = new Set(req.groups.map((g) => g.group));
  const ignored: QuorumResult['ignored'] = [];
  // One voice per approver; a rejection by an approver outweighs any approval it also signed.
  const votes = new Map<string, 'approve' | 'reject'>();
  for (const s of p.statements) {
    const groups = p.groupsOf.get(s.approverId);
    if (!groups || ![...groups].some((g) => required.has(g))) {
      ignored.push({ approverId: s.approverId, reason: 'not a member of any required group' });
      continue;
    }
    if (s.approverId === p.initiator && !req.initiatorMayApprove) {
      ignored.push({ approverId: s.approverId, reason: 'the initiator may not approve its own request' });
      continue;
    }
    if (s.at < p.submittedAt || s.at > req.expiresAt) {
      ignored.push({ approverId: s.approverId, reason: 'signed outside the approval window' });
      continue;
    }
    if (votes.get(s.approverId) !== 'reject') votes.set(s.approverId, s.decision);
  }
  const approvers = [...votes]
    .filter(([, v]) => v === 'approve')
    .map(([id]) => id)
    .sort();
  const rejectedBy = [...votes]
    .filter(([, v]) => v === 'reject')
    .map(([id]) => id)
    .sort();
  const groups = req.groups.map((g) => ({
    group: g.group,
    threshold: g.threshold,
    approvedBy: approvers.filter((a) => p.groupsOf.get(a)?.has(g.group)),
  }));
  const summary = groups
    .map((g) => `${g.group} ${g.approvedBy.length}/${g.threshold}`)
    .join(req.mode === 'all' ? ' AND ' : ' OR ');
  const result = (status: QuorumStatus, explanation: string): QuorumResult => ({
    status,
    groups,
    rejectedBy,
    ignored,
    explanation,
  });
  if (rejectedBy.length > 0) return result('rejected', `rejected by ${rejectedBy.join(', ')}`);
  if (p.now > req.expiresAt)
    return result(
      'expired',
      `the approval window closed at ${new Date(req.expiresAt).toISOString()} (${summary})`,
    );
  const met =
    req.mode === 'any'
      ? groups.some((g) => g.approvedBy.length >= g.threshold)
      : distinctAssignment(groups.map((g) => ({ threshold: g.threshold, members: g.approvedBy })));
  return met
    ? result('satisfied', `quorum reached (${summary})`)
    : result('pending', `quorum not reached (${summary})`);
}

/**
 * Whether distinct approvers can fill every group's threshold (each approver used once, only
 * for a group it belongs to): Kuhn's augmenting paths over group slots.
 */
export function distinctAssignment(
  groups: readonly { threshold: number; members: readonly string[] }[],
): boolean {
  const slots: number[] = []; // slot → group index
  groups.forEach((g, i) => {
    for (let k = 0; k < g.threshold; k++) slots.push(i);
  });
  const slotOwner: (string | null)[] = slots.map(() => null);
  const approvers = [...new Set(groups.flatMap((g) => g.members))];
  if (approvers.length < slots.length) return false;
  const canTake = (a: string, slot: number) => groups[slots[slot]!]!.members.includes(a);
  const tryAssign = (a: string, seen: boolean[]): boolean => {
    for (let s = 0; s < slots.length; s++) {
      if (seen[s] || !canTake(a, s)) continue;
      seen[s] = true;
      const owner = slotOwner[s]!;
      if (owner === null || tryAssign(owner, seen)) {
        slotOwner[s] = a;
        return true;
      }
    }
    return false;
  };
  for (const a of approvers)
    tryAssign(
      a,
      slots.map(() => false),
    );
  return slotOwner.every((o) => o !== null);
}
