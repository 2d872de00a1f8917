// Blur exchange orders (Blur Exchange v1 `Order`, and the bulk `Root` signature). A sell order
// (side 1) gives the NFT for `price` of `paymentToken`, minus `fees` (basis points) paid to each fee
// recipient; a buy order (side 0) pays `price` for the NFT. A phishing listing sets price 0 or a
// fee of ~100 % to the attacker. `Root` signs a Merkle root of orders that cannot be seen at all.
import type { Address, Asset, TypedDataAnalysis } from '../types.ts';
import { domainOf, short, type StandardAnalyzer } from './analysis.ts';
import { AssetLedger } from './asset-ledger.ts';
import { field, toAddress, toBigInt } from './eip712.ts';

const ZERO = '0x0000000000000000000000000000000000000000';

export const analyzeBlur: StandardAnalyzer = (parsed, request): TypedDataAnalysis | undefined => {
  const { typedData } = parsed;
  const isBlurDomain = /blur/i.test(typedData.domain.name ?? '');
  const signer = request.signer.toLowerCase() as Address;
  if (typedData.primaryType === 'Root' && isBlurDomain) {
    const root = String(field(typedData.message, 'root'));
    return {
      kind: 'blur-order',
      description: `Blur bulk signature over Merkle root ${root}: the orders it authorises are not shown.`,
      domain: domainOf(parsed),
      approvals: [],
      assetChanges: [],
      counterparties: parsed.verifyingContract
        ? [{ address: parsed.verifyingContract, role: 'verifying-contract' as const }]
        : [],
      fields: { hash: parsed.hash, bulkRoot: root },
    };
  }
  if (typedData.primaryType !== 'Order' || !isBlurDomain) return undefined;
  const m = typedData.message;
  const trader = toAddress(field(m, 'trader'), 'message.trader');
  const side = toBigInt(field(m, 'side'), 'message.side');
  const collection = toAddress(field(m, 'collection'), 'message.collection');
  const tokenId = toBigInt(field(m, 'tokenId'), 'message.tokenId');
  const amount = toBigInt(field(m, 'amount'), 'message.amount');
  const paymentToken = toAddress(field(m, 'paymentToken'), 'message.paymentToken');
  const price = toBigInt(field(m, 'price'), 'message.price');
  const nft: Asset = {
    kind: amount === 1n ? 'erc721' : 'erc1155',
    address: collection,
    tokenId: tokenId.toString(),
  };
  const payment: Asset =
    paymentToken === ZERO ? { kind: 'native', decimals: 18 } : { kind: 'erc20', address: paymentToken };
  const fees = (Array.isArray(field(m, 'fees')) ? (field(m, 'fees') as unknown[]) : []).map((f, i) => ({
    rate: toBigInt(field(f, 'rate'), `message.fees[${i}].rate`),
    recipient: toAddress(field(f, 'recipient'), `message.fees[${i}].recipient`),
  }));
  const ledger = new AssetLedger();
  const counterparties: { address: Address; role: 'recipient' | 'verifying-contract' }[] = [];
  if (side === 1n) {
    // Sell: the trader gives the NFT, receives price minus fees.
    ledger.add(trader, nft, -amount);
    let feeTotal = 0n;
    for (const fee of fees) {
      const paid = (price * fee.rate) / 10000n;
      feeTotal += paid;
      ledger.add(fee.recipient, payment, paid);
      counterparties.push({ address: fee.recipient, role: 'recipient' });
    }
    ledger.add(trader, payment, price - feeTotal > 0n ? price - feeTotal : 0n);
  } else {
    ledger.add(trader, payment, -price);
    ledger.add(trader, nft, amount);
  }
  if (parsed.verifyingContract)
    counterparties.push({ address: parsed.verifyingContract, role: 'verifying-contract' });
  return {
    kind: 'blur-order',
    description:
      `Blur ${side === 1n ? 'sell' : 'buy'} order: ${short(trader)} ${side === 1n ? 'sells' : 'buys'} ` +
      `${short(collection)} #${tokenId} for ${price} ${paymentToken === ZERO ? 'wei' : `of ${short(paymentToken)}`}` +
      (fees.length > 0
        ? ` with fees of ${fees.map((f) => `${f.rate} bps to ${short(f.recipient)}`).join(', ')}.`
        : '.'),
    domain: domainOf(parsed),
    approvals: [],
    assetChanges: ledger.changes(),
    counterparties,
    fields: {
      hash: parsed.hash,
      side: side === 1n ? 'sell' : 'buy',
      price: price.toString(),
      signerIsTrader: String(trader === signer),
      expirationTime: toBigInt(field(m, 'expirationTime'), 'message.expirationTime').toString(),
    },
  };
};
