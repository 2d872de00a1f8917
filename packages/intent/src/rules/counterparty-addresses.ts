// Every address a request touches, with where it was seen: the set the address-book, poisoning
// and blocklist rules check. Collected from the request, the decoded calls, the trace, transfers,
// approvals, state changes, counterparties and typed-data analysis.
import type { Address, AnalysisContext } from '../types.ts';
import { decodedCalls, lower, ZERO_ADDRESS } from './context-queries.ts';

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

/** address → where it was seen (first few places, for evidence). Excludes the vault and the zero address. */
export function touchedAddresses(ctx: AnalysisContext): Map<Address, string[]> {
  const seen = new Map<Address, string[]>();
  const add = (value: unknown, where: string) => {
    if (typeof value !== 'string' || !ADDRESS_RE.test(value)) return;
    const a = lower(value);
    if (a === ZERO_ADDRESS || a === ctx.vault.address) return;
    const places = seen.get(a) ?? [];
    if (places.length < 4 && !places.includes(where)) places.push(where);
    seen.set(a, places);
  };
  const req = ctx.request;
  if (req.kind === 'transaction') {
    add(req.to, 'request.to');
    for (const auth of req.authorizationList ?? []) add(auth.address, 'authorization');
  } else {
    add(req.typedData.domain.verifyingContract, 'typed-data domain');
  }
  const walkArg = (value: unknown, where: string) => {
    if (typeof value === 'string') add(value, where);
    else if (Array.isArray(value)) for (const v of value) walkArg(v, where);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) walkArg(v, where);
  };
  for (const call of decodedCalls(ctx)) {
    add(call.to, 'call target');
    for (const arg of call.args ?? []) walkArg(arg.value, `argument ${arg.name || arg.type}`);
  }
  for (const f of ctx.simulation.trace) add(f.to, `trace ${f.type.toLowerCase()}`);
  for (const t of ctx.transfers) {
    add(t.to, 'transfer recipient');
    add(t.from, 'transfer sender');
    add(t.asset.address, 'asset');
  }
  for (const a of ctx.approvals) {
    add(a.spender, 'spender');
    add(a.token, 'approved token');
  }
  for (const s of ctx.stateChanges) {
    add(s.after, `new ${s.meaning}`);
    add(s.key, s.meaning);
  }
  for (const c of ctx.counterparties) add(c.address, `counterparty (${c.roles.join(',')})`);
  for (const c of ctx.typedData?.counterparties ?? []) add(c.address, `typed data ${c.role}`);
  for (const c of ctx.typedData?.assetChanges ?? []) add(c.address, 'typed data recipient');
  return seen;
}
