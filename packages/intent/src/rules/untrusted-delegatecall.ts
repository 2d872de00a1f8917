// DELEGATECALL into code that is not on the allowlist. A delegatecall runs foreign code with the
// caller's storage and balance: it can rewrite the Safe singleton in slot 0, a proxy's
// implementation slot or the owner, and take everything (the February 2025 Safe takeover).
//
// Which delegatecalls count: those the request itself chooses: Safe/MultiSend operations with
// operation = 1 in the decoded calls, and trace frames whose target address appears in the
// calldata. A proxy forwarding to its own implementation (the target read from storage) is how
// proxies work and is not flagged.
//
// Severity: critical when the caller's storage that matters changes in the same transaction
// (slot 0, an EIP-1967 slot, Safe configuration, owner); high otherwise, and high when only the
// decoded calldata shows the delegatecall (no simulation to prove what it does).
import type { Address, AnalysisContext, Rule } from '../types.ts';
import {
  calldataMentions,
  decodedCalls,
  finding,
  isSlotZero,
  lower,
  shortAddress,
  successfulFrames,
} from './context-queries.ts';

const CRITICAL_MEANINGS = new Set([
  'eip1967.implementation',
  'eip1967.admin',
  'eip1967.beacon',
  'safe.singleton',
  'safe.owners',
  'safe.threshold',
  'safe.modules',
  'safe.guard',
  'safe.fallbackHandler',
  'ownable.owner',
]);

function criticalChanges(ctx: AnalysisContext, account: Address): string[] {
  const changed: string[] = [];
  for (const s of ctx.simulation.storageChanges) {
    if (s.address === account && isSlotZero(s.slot) && s.before !== s.after) changed.push('storage slot 0');
  }
  for (const s of ctx.stateChanges) {
    if (s.address === account && CRITICAL_MEANINGS.has(s.meaning)) changed.push(s.meaning);
  }
  return [...new Set(changed)];
}

export const untrustedDelegatecallRule: Rule = {
  id: 'untrusted-delegatecall',
  description:
    'DELEGATECALL requested into code not on the allowlist: critical when it changes slot 0, a proxy slot, Safe configuration or the owner; high otherwise.',
  evaluate(ctx) {
    const targets = new Map<Address, { caller?: Address; via: string }>();
    for (const frame of successfulFrames(ctx)) {
      if (frame.type !== 'DELEGATECALL' && frame.type !== 'CALLCODE') continue;
      if (!calldataMentions(ctx, frame.to)) continue;
      if (!targets.has(frame.to)) targets.set(frame.to, { caller: frame.from, via: `trace ${frame.path}` });
    }
    for (const call of decodedCalls(ctx)) {
      if (call.operation !== 'delegatecall' || !call.to) continue;
      const to = lower(call.to);
      if (!targets.has(to)) targets.set(to, { via: 'decoded calldata (operation = delegatecall)' });
    }
    const findings = [];
    for (const [target, { caller, via }] of targets) {
      if (ctx.lists.allowlist.has(target)) continue;
      const callers = caller
        ? [caller]
        : ctx.request.kind === 'transaction' && ctx.request.to
          ? [lower(ctx.request.to)]
          : [];
      const changes = callers.flatMap((c) => criticalChanges(ctx, c));
      const critical = changes.length > 0;
      findings.push(
        finding(
          'untrusted-delegatecall',
          critical ? 'critical' : 'high',
          critical
            ? `This runs code at ${shortAddress(target)} (not allowlisted) inside ${shortAddress(callers[0]!)} with DELEGATECALL, ` +
                `and it rewrites ${changes.join(', ')}: that hands control of the account to that code.`
            : `This runs code at ${shortAddress(target)} (not allowlisted) with DELEGATECALL: it can do anything ` +
                'with the calling account’s storage and funds.',
          {
            target,
            ...(callers[0] ? { caller: callers[0] } : {}),
            via,
            ...(critical ? { changes: changes.join(',') } : {}),
          },
        ),
      );
    }
    return findings;
  },
};
