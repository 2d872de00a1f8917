// EIP-1967 proxy implementation, admin or beacon change. An upgrade replaces all the code that
// guards the proxy's funds; followed in the same transaction by an outflow from the proxy or the
// vault (upgradeToAndCall(evil, sweep(attacker))) it is a takeover in progress.
import type { Address, AnalysisContext, Rule } from '../types.ts';
import {
  argString,
  controlledAccounts,
  decodedCalls,
  finding,
  lower,
  shortAddress,
} from './context-queries.ts';

const UPGRADE_FUNCTIONS = new Set([
  'upgradeTo',
  'upgradeToAndCall',
  'changeAdmin',
  'upgradeBeaconToAndCall',
  'changeProxyAdmin',
  'upgrade',
  'upgradeAndCall',
]);

function outflowsFrom(ctx: AnalysisContext, accounts: Set<Address>): string[] {
  const out = new Set<string>();
  for (const t of ctx.transfers) {
    if (accounts.has(t.from) && !accounts.has(t.to) && BigInt(t.amount) > 0n) {
      out.add(`${t.asset.kind}:${t.asset.address ?? 'native'}:${t.from}->${t.to}`);
    }
  }
  for (const c of ctx.assetChanges) {
    if (accounts.has(c.address) && BigInt(c.delta) < 0n)
      out.add(`${c.asset.kind}:${c.asset.address ?? 'native'}:${c.address}`);
  }
  return [...out].sort();
}

export const proxyUpgradeRule: Rule = {
  id: 'proxy-upgrade',
  description:
    'EIP-1967 implementation/admin/beacon change: critical when assets leave the proxy or the vault in the same transaction, else high.',
  evaluate(ctx) {
    const findings = [];
    const seen = new Set<Address>();
    for (const s of ctx.stateChanges) {
      if (
        s.meaning !== 'eip1967.implementation' &&
        s.meaning !== 'eip1967.admin' &&
        s.meaning !== 'eip1967.beacon'
      ) {
        continue;
      }
      seen.add(s.address);
      const outflows = outflowsFrom(ctx, new Set([s.address, ...controlledAccounts(ctx)]));
      const what = s.meaning.slice('eip1967.'.length);
      findings.push(
        finding(
          'proxy-upgrade',
          outflows.length > 0 ? 'critical' : 'high',
          `This changes the ${what} of proxy ${shortAddress(s.address)} from ${shortAddress(s.before)} to ` +
            `${shortAddress(s.after)}` +
            (outflows.length > 0 ? ', and assets leave in the same transaction: a takeover pattern.' : '.'),
          {
            proxy: s.address,
            meaning: s.meaning,
            before: s.before,
            after: s.after,
            ...(outflows.length > 0 ? { outflows: outflows.join(',') } : {}),
          },
        ),
      );
    }
    // Without a simulation (or when the extractor did not see the slot), the calldata still says it.
    for (const call of decodedCalls(ctx)) {
      if (!call.functionName || !UPGRADE_FUNCTIONS.has(call.functionName) || !call.to) continue;
      // ProxyAdmin.upgrade(proxy, implementation) / upgradeAndCall(proxy, …) name the proxy first.
      const proxy = lower(argString(call, 'proxy') ?? call.to);
      if (seen.has(proxy)) continue;
      seen.add(proxy);
      findings.push(
        finding(
          'proxy-upgrade',
          'high',
          `This calls ${call.functionName} on ${shortAddress(proxy)}: a proxy upgrade or admin change.`,
          { proxy, function: call.signature ?? call.functionName, via: 'decoded calldata' },
        ),
      );
    }
    return findings;
  },
};
