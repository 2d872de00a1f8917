// Safe configuration change: singleton (critical: new code runs the wallet), owners, threshold,
// modules (a module moves funds without signatures), guard and fallback handler (high).
import type { Rule, Severity, StateMeaning } from '../types.ts';
import { decodedCalls, finding, lower, shortAddress } from './context-queries.ts';

const SAFE_MEANINGS: Partial<Record<StateMeaning, { severity: Severity; what: string }>> = {
  'safe.singleton': { severity: 'critical', what: 'singleton (the code that runs the wallet)' },
  'safe.owners': { severity: 'high', what: 'owners' },
  'safe.threshold': { severity: 'high', what: 'signature threshold' },
  'safe.modules': { severity: 'high', what: 'modules (accounts that can move funds without signatures)' },
  'safe.guard': { severity: 'high', what: 'transaction guard' },
  'safe.fallbackHandler': { severity: 'high', what: 'fallback handler' },
};

const SAFE_FUNCTIONS: Record<string, StateMeaning> = {
  addOwnerWithThreshold: 'safe.owners',
  removeOwner: 'safe.owners',
  swapOwner: 'safe.owners',
  changeThreshold: 'safe.threshold',
  enableModule: 'safe.modules',
  disableModule: 'safe.modules',
  setGuard: 'safe.guard',
  setModuleGuard: 'safe.guard',
  setFallbackHandler: 'safe.fallbackHandler',
  changeMasterCopy: 'safe.singleton',
};

export const safeConfigChangeRule: Rule = {
  id: 'safe-config-change',
  description:
    'Safe singleton change (critical) or owner, threshold, module, guard or fallback-handler change (high).',
  evaluate(ctx) {
    const findings = [];
    const seen = new Set<string>();
    for (const s of ctx.stateChanges) {
      const meta = SAFE_MEANINGS[s.meaning];
      if (!meta) continue;
      seen.add(`${s.address}:${s.meaning}`);
      const keyText = s.key ? ` (${shortAddress(s.key)}: ${s.before} → ${s.after})` : '';
      findings.push(
        finding(
          'safe-config-change',
          meta.severity,
          `This changes the ${meta.what} of Safe ${shortAddress(s.address)}${keyText || `: ${s.before} → ${s.after}`}.`,
          {
            safe: s.address,
            meaning: s.meaning,
            before: s.before,
            after: s.after,
            ...(s.key ? { key: s.key } : {}),
          },
        ),
      );
    }
    for (const call of decodedCalls(ctx)) {
      const meaning = call.functionName ? SAFE_FUNCTIONS[call.functionName] : undefined;
      if (!meaning || !call.to) continue;
      const safe = lower(call.to);
      if (seen.has(`${safe}:${meaning}`)) continue;
      seen.add(`${safe}:${meaning}`);
      const meta = SAFE_MEANINGS[meaning]!;
      findings.push(
        finding(
          'safe-config-change',
          meta.severity,
          `This calls ${call.functionName} on ${shortAddress(safe)}: a change of the Safe's ${meta.what}.`,
          { safe, meaning, function: call.signature ?? call.functionName!, via: 'decoded calldata' },
        ),
      );
    }
    return findings;
  },
};
