// Seaport orders (https://github.com/ProjectOpenSea/seaport, OrderComponents and BulkOrder): the
// offerer signs away the `offer` items in exchange for the `consideration` items, each paid to
// its own recipient. Phishing listings either ask nothing back (zero price) or route the
// consideration to the attacker. The analysis lists both sides as asset changes so the
// marketplace-order rule can compare what the signer gives with what the signer gets.
import { IntentError } from '../errors.ts';
import type { Address, Asset } from '../types.ts';
import { domainOf, short, type StandardAnalyzer } from './analysis.ts';
import { AssetLedger } from './asset-ledger.ts';
import { field, toAddress, toBigInt } from './eip712.ts';

/** Seaport ItemType enum. */
const ITEM_KINDS: Record<string, Asset['kind']> = {
  '0': 'native',
  '1': 'erc20',
  '2': 'erc721',
  '3': 'erc1155',
  '4': 'erc721',
  '5': 'erc1155',
};

function itemAsset(item: unknown, where: string): Asset {
  const itemType = toBigInt(field(item, 'itemType'), `${where}.itemType`).toString();
  const kind = ITEM_KINDS[itemType];
  if (!kind)
    throw new IntentError(
      'INVALID_INPUT',
      `invalid typed data: ${where}.itemType ${itemType} is not a Seaport item type`,
    );
  if (kind === 'native') return { kind, decimals: 18 };
  const token = toAddress(field(item, 'token'), `${where}.token`);
  if (kind === 'erc20') return { kind, address: token };
  const id = toBigInt(field(item, 'identifierOrCriteria'), `${where}.identifierOrCriteria`);
  // Criteria items (4, 5) match any token id under a Merkle root (0 = any token of the collection):
  // there is no single token id to report.
  if (itemType === '4' || itemType === '5') return { kind, address: token };
  return { kind, address: token, tokenId: id.toString() };
}

function amounts(item: unknown, where: string): { min: bigint; max: bigint } {
  const start = toBigInt(field(item, 'startAmount'), `${where}.startAmount`);
  const end = toBigInt(field(item, 'endAmount'), `${where}.endAmount`);
  return start < end ? { min: start, max: end } : { min: end, max: start };
}

/** OrderComponents found in a message: the order itself, or every leaf of a BulkOrder tree. */
function orders(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(orders);
  if (value && typeof value === 'object' && 'offerer' in value) return [value];
  return [];
}

export const analyzeSeaport: StandardAnalyzer = (parsed, request) => {
  const { typedData } = parsed;
  const type = typedData.primaryType;
  if (type !== 'OrderComponents' && type !== 'BulkOrder') return undefined;
  const list = type === 'BulkOrder' ? orders(field(typedData.message, 'tree')) : [typedData.message];
  const ledger = new AssetLedger();
  const counterparties = new Map<Address, 'recipient' | 'called'>();
  const signer = request.signer.toLowerCase() as Address;
  const offerers = new Set<Address>();
  let endTime = 0n;
  list.forEach((order, o) => {
    const where = `order[${o}]`;
    const offerer = toAddress(field(order, 'offerer'), `${where}.offerer`);
    offerers.add(offerer);
    const zone = toAddress(field(order, 'zone'), `${where}.zone`);
    if (zone !== '0x0000000000000000000000000000000000000000') counterparties.set(zone, 'called');
    const end = toBigInt(field(order, 'endTime'), `${where}.endTime`);
    if (end > endTime) endTime = end;
    const offer = field(order, 'offer');
    const consideration = field(order, 'consideration');
    (Array.isArray(offer) ? offer : []).forEach((item, i) => {
      ledger.add(
        offerer,
        itemAsset(item, `${where}.offer[${i}]`),
        -amounts(item, `${where}.offer[${i}]`).max,
      );
    });
    (Array.isArray(consideration) ? consideration : []).forEach((item, i) => {
      const w = `${where}.consideration[${i}]`;
      const recipient = toAddress(field(item, 'recipient'), `${w}.recipient`);
      const { min, max } = amounts(item, w);
      // Worst case for the signer: it receives the smaller amount, others the larger one.
      ledger.add(recipient, itemAsset(item, w), recipient === offerer ? min : max);
      if (recipient !== offerer) counterparties.set(recipient, 'recipient');
    });
  });
  const assetChanges = ledger.changes();
  const gives = assetChanges.filter((c) => c.address === signer && BigInt(c.delta) < 0n).length;
  const gets = assetChanges.filter((c) => c.address === signer && BigInt(c.delta) > 0n).length;
  return {
    kind: 'seaport-order',
    description:
      `Seaport ${type === 'BulkOrder' ? `bulk listing of ${list.length} orders` : 'order'}: ${short(signer)} ` +
      `gives ${gives} item(s) and receives ${gets} item(s)` +
      (counterparties.size > 0
        ? `; other recipients: ${[...counterparties.keys()].map(short).join(', ')}.`
        : '.'),
    domain: domainOf(parsed),
    approvals: [],
    assetChanges,
    counterparties: [
      ...[...counterparties].map(([address, role]) => ({ address, role })),
      ...(parsed.verifyingContract
        ? [{ address: parsed.verifyingContract, role: 'verifying-contract' as const }]
        : []),
    ],
    fields: {
      hash: parsed.hash,
      orders: String(list.length),
      offerers: [...offerers].join(','),
      signerIsOfferer: String(offerers.size === 1 && offerers.has(signer)),
      endTime: endTime.toString(),
    },
  };
};
