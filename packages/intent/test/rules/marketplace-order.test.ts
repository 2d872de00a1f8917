import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { marketplaceOrderRule } from '../../src/rules/marketplace-order.ts';
import { analyzeTypedDataMessage } from '../../src/typed-data/index.ts';
import type { AnalysisContext, TypedData } from '../../src/types.ts';
import { BLUR_DOMAIN, blurSell, permit2Single, request, seaportListing } from '../typed-data/payloads.ts';
import { ATTACKER, makeContext, NFT, severities, simulation, TOKEN, VAULT } from './context.ts';

const FEES = '0x0000a26b00c1f0df003000390027140000faa719'; // OpenSea fee recipient
const ETH = '1000000000000000000';

function typedContext(td: TypedData): AnalysisContext {
  const req = request(VAULT, td);
  return makeContext({
    request: req,
    typedData: analyzeTypedDataMessage(req),
    simulation: simulation({ status: 'not-applicable', engine: 'none' }),
  });
}
const listing = (payments: { recipient: string; amount: string }[]) =>
  typedContext(seaportListing({ offerer: VAULT, nft: NFT, tokenId: '1', payments }));

describe('marketplace-order', () => {
  const cases = [
    {
      name: 'Seaport listing paying the offerer (fee 2.5 %) → nothing',
      ctx: listing([
        { recipient: VAULT, amount: ETH },
        { recipient: FEES, amount: '25000000000000000' },
      ]),
      expected: [],
    },
    {
      name: 'Seaport zero-price listing (no consideration) → critical',
      ctx: listing([]),
      expected: ['critical'],
    },
    {
      name: 'Seaport listing whose whole payment goes to the attacker → critical',
      ctx: listing([{ recipient: ATTACKER, amount: ETH }]),
      expected: ['critical'],
    },
    {
      name: 'Seaport listing paying the offerer dust while the attacker gets the price → high',
      ctx: listing([
        { recipient: VAULT, amount: '1' },
        { recipient: ATTACKER, amount: ETH },
      ]),
      expected: ['high'],
    },
    {
      name: 'Seaport listing for a dust price → high',
      ctx: listing([{ recipient: VAULT, amount: '1000' }]),
      expected: ['high'],
    },
    {
      name: 'Blur sell at a fair price → nothing',
      ctx: typedContext(
        blurSell({ trader: VAULT, nft: NFT, price: ETH, fees: [{ rate: 50, recipient: FEES }] }),
      ),
      expected: [],
    },
    {
      name: 'Blur sell at price 0 → critical',
      ctx: typedContext(blurSell({ trader: VAULT, nft: NFT, price: '0' })),
      expected: ['critical'],
    },
    {
      name: 'Blur sell with a 99.9 % "fee" to the attacker → high',
      ctx: typedContext(
        blurSell({ trader: VAULT, nft: NFT, price: ETH, fees: [{ rate: 9990, recipient: ATTACKER }] }),
      ),
      expected: ['high'],
    },
    {
      name: 'not a marketplace order → nothing',
      ctx: typedContext(permit2Single({ token: TOKEN, spender: ATTACKER })),
      expected: [],
    },
    { name: 'a transaction → nothing', ctx: makeContext(), expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(severities(marketplaceOrderRule.evaluate(c.ctx)), c.expected);
    });
  }

  it('Blur bulk Root signature → high', () => {
    const ctx = typedContext({
      domain: BLUR_DOMAIN,
      types: { Root: [{ name: 'root', type: 'bytes32' }] },
      primaryType: 'Root',
      message: { root: `0x${'ab'.repeat(32)}` },
    });
    assert.deepEqual(severities(marketplaceOrderRule.evaluate(ctx)), ['high']);
  });

  it('names the attacker as a recipient', () => {
    const [f] = marketplaceOrderRule.evaluate(listing([{ recipient: ATTACKER, amount: ETH }]));
    assert.equal(f?.evidence.otherRecipients, ATTACKER);
  });
});
