// The one-paragraph summary an approver reads first: "You are about to …". Built only from the
// report's facts. Addresses are written in full — abbreviated addresses are what address-poisoning
// attacks exploit — with their address-book label when there is one.
import { formatUnits } from './extract/amounts.ts';
import type { Address, Approval, Asset, AssetChange, Counterparty, IntentReport } from './types.ts';

type SummaryInput = Omit<IntentReport, 'summary'>;

const ZERO: Address = '0x0000000000000000000000000000000000000000';

function who(address: string, counterparties: readonly Counterparty[], vault: string): string {
  if (address === vault) return 'your vault';
  if (address === ZERO) return 'nobody (burn)';
  const label = counterparties.find((c) => c.address === address)?.lists.addressBook;
  return label ? `${address} (address book: ${label})` : address;
}

function assetName(asset: Asset): string {
  if (asset.kind === 'native') return 'ETH';
  const name = asset.symbol ?? `tokens of ${asset.address}`;
  if (asset.kind === 'erc721') return `${name} #${asset.tokenId}`;
  if (asset.kind === 'erc1155') return `${name} id ${asset.tokenId}`;
  return name;
}

function amountText(raw: bigint, asset: Asset): string {
  const abs = raw < 0n ? -raw : raw;
  if (asset.kind === 'erc721') return assetName(asset);
  if (asset.kind === 'erc1155') return `${abs} × ${assetName(asset)}`;
  const amount = asset.decimals !== undefined ? formatUnits(abs, asset.decimals) : `${abs} raw units of`;
  return `${amount} ${assetName(asset)}`;
}

function approvalText(a: Approval, counterparties: readonly Counterparty[], vault: string): string {
  const spender = who(a.spender, counterparties, vault);
  const token = a.asset?.symbol ?? a.token;
  if (a.kind === 'setApprovalForAll') {
    return a.revoked
      ? `revoke ${spender} as operator of every token in collection ${token}`
      : `let ${spender} move EVERY token you hold in collection ${token}`;
  }
  if (a.revoked) return `revoke ${spender}'s allowance on ${token}`;
  if (a.tokenId !== undefined) return `let ${spender} move ${token} #${a.tokenId}`;
  const amount = a.unlimited
    ? 'an UNLIMITED amount of'
    : a.asset?.decimals !== undefined && a.amount !== undefined
      ? formatUnits(BigInt(a.amount), a.asset.decimals)
      : `${a.amount} raw units of`;
  const via = a.kind.startsWith('permit2') ? ' through Permit2' : a.kind === 'permit' ? ' (permit)' : '';
  return `let ${spender} spend ${amount} ${token}${via}`;
}

function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join('; ')}; and ${items[items.length - 1]}`;
}

/** Changes of the accounts the vault controls (itself, and the Safe it drives). */
function ownChanges(changes: readonly AssetChange[], own: ReadonlySet<string>) {
  return changes.filter((c) => own.has(c.address));
}

export function summarize(r: SummaryInput): string {
  const parts: string[] = [];
  const cps = r.counterparties;
  if (r.request.kind === 'typed-data') {
    const vault = r.request.signer;
    const td = r.typedData;
    parts.push(
      `You are about to sign a typed-data message (${td?.kind ?? 'unknown'}${td?.domain.name ? ` for "${td.domain.name}"` : ''}) as ${vault}: ${td?.description ?? 'its meaning is unknown.'}`,
    );
    const grants = r.approvals.map((a) => approvalText(a, cps, vault));
    if (grants.length > 0)
      parts.push(`Signing it would ${joinList(grants)}, without any further transaction from you.`);
  } else {
    const req = r.request;
    const vault = req.from;
    const target = req.to ? who(req.to, cps, vault) : 'a new contract (deployment)';
    const fn = r.decoded?.functionName ? `${r.decoded.functionName} on ` : '';
    const value = BigInt(req.value) > 0n ? ` with ${formatUnits(BigInt(req.value), 18)} ETH` : '';
    const status = r.simulation.status;
    if (status === 'unavailable') {
      parts.push(
        `You are about to send a transaction calling ${fn}${target}${value} from ${vault}. Cairn could NOT simulate it (${r.simulation.error?.code ?? 'UNAVAILABLE'}: ${r.simulation.error?.message ?? 'no engine'}), so what it really does is unknown; it is blocked unless policy explicitly allows a fallback.`,
      );
    } else if (status === 'reverted') {
      parts.push(
        `You are about to send a transaction calling ${fn}${target}${value} from ${vault}. It would FAIL (${r.simulation.revertReason ?? 'reverted'}) at block ${r.simulation.block?.number ?? '?'}: nothing would move, but gas would still be spent.`,
      );
    } else {
      const own = new Set<string>([vault]);
      if (req.to && r.decoded?.functionName?.startsWith('execTransaction')) own.add(req.to);
      const actions: string[] = [];
      const mine = ownChanges(r.assetChanges, own);
      const recipientsOf = (c: AssetChange) =>
        r.assetChanges
          .filter((o) => o.address !== c.address && BigInt(o.delta) > 0n && sameAsset(o.asset, c.asset))
          .map((o) => who(o.address, cps, vault));
      for (const c of mine.filter((c) => BigInt(c.delta) < 0n)) {
        const to = recipientsOf(c);
        const usd = c.usdValue ? ` (≈ $${c.usdValue})` : '';
        actions.push(
          `send ${amountText(BigInt(c.delta), c.asset)}${usd}${to.length ? ` to ${to.join(', ')}` : ''}`,
        );
      }
      for (const c of mine.filter((c) => BigInt(c.delta) > 0n)) {
        actions.push(
          `receive ${amountText(BigInt(c.delta), c.asset)}${c.usdValue ? ` (≈ $${c.usdValue})` : ''}`,
        );
      }
      for (const a of r.approvals) actions.push(approvalText(a, cps, vault));
      const opening = req.to
        ? `You are about to call ${fn}${target}${value} from your vault (${vault})`
        : `You are about to deploy a new contract${value} from your vault (${vault})`;
      if (req.data === '0x' && actions.length > 0) parts.push(`You are about to ${joinList(actions)}.`);
      else if (actions.length > 0) parts.push(`${opening}: it would ${joinList(actions)}.`);
      else parts.push(`${opening}; it moves none of your assets and grants no allowance.`);
      // Assets leaving accounts the vault does not sign for directly (a proxy it owns, a Safe
      // driven through a module…) are named too: a sweep hides there.
      const others = r.assetChanges.filter(
        (c) => !own.has(c.address) && c.address !== ZERO && BigInt(c.delta) < 0n,
      );
      if (others.length > 0) {
        const lines = others.map((c) => {
          const to = recipientsOf(c);
          return `${who(c.address, cps, vault)} sends ${amountText(BigInt(c.delta), c.asset)}${to.length ? ` to ${to.join(', ')}` : ''}`;
        });
        parts.push(`Other accounts: ${joinList(lines)}.`);
      }
      if (r.stateChanges.length > 0)
        parts.push(`It also changes control state: ${joinList(r.stateChanges.map((x) => x.description))}.`);
      const delegatecalls = r.trace.filter((t) => t.delegatecall);
      if (delegatecalls.length > 0) {
        parts.push(
          `It runs code by DELEGATECALL: ${delegatecalls.map((t) => `${t.to} inside ${t.from}`).join(', ')}.`,
        );
      }
      parts.push(`Simulated on chain ${r.chainId} at block ${r.simulation.block?.number ?? '?'}.`);
    }
  }
  for (const f of r.findings)
    if (f.severity === 'critical' || f.severity === 'high') parts.push(`WARNING: ${f.message}`);
  parts.push(`Risk: ${r.riskLevel}.`);
  return parts.join(' ');
}

function sameAsset(a: Asset, b: Asset): boolean {
  return (
    a.kind === b.kind && (a.address ?? '') === (b.address ?? '') && (a.tokenId ?? '') === (b.tokenId ?? '')
  );
}
