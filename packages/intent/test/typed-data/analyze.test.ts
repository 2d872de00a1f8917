import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntentError } from '../../src/errors.ts';
import { analyzeTypedDataMessage } from '../../src/typed-data/index.ts';
import { ATTACKER, NFT, TOKEN, VAULT } from '../rules/context.ts';
import {
  blurSell,
  eip2612Permit,
  MAX_UINT160,
  MAX_UINT256,
  PERMIT2,
  permit2Batch,
  permit2Single,
  permit2TransferFrom,
  request,
  seaportListing,
} from './payloads.ts';

const TOKEN2 = '0xdac17f958d2ee523a2206206994597c13d831ec7';

describe('analyzeTypedDataMessage', () => {
  it('EIP-2612 permit → one permit approval', () => {
    const a = analyzeTypedDataMessage(
      request(VAULT, eip2612Permit({ token: TOKEN, owner: VAULT, spender: ATTACKER, value: MAX_UINT256 })),
    );
    assert.equal(a.kind, 'eip2612-permit');
    assert.equal(a.approvals.length, 1);
    const [ap] = a.approvals;
    assert.equal(ap?.kind, 'permit');
    assert.equal(ap?.token, TOKEN);
    assert.equal(ap?.owner, VAULT);
    assert.equal(ap?.spender, ATTACKER);
    assert.equal(ap?.unlimited, true);
    assert.equal(ap?.deadline, '1900000000');
    assert.equal(a.fields.signerIsOwner, 'true');
    assert.match(a.fields.hash ?? '', /^0x[0-9a-f]{64}$/);
  });

  it('limited and zero permits are not unlimited; zero is a revocation', () => {
    const limited = analyzeTypedDataMessage(
      request(VAULT, eip2612Permit({ token: TOKEN, owner: VAULT, spender: ATTACKER, value: '10' })),
    );
    assert.equal(limited.approvals[0]?.unlimited, false);
    const zero = analyzeTypedDataMessage(
      request(VAULT, eip2612Permit({ token: TOKEN, owner: VAULT, spender: ATTACKER, value: '0' })),
    );
    assert.equal(zero.approvals[0]?.revoked, true);
  });

  it('DAI-style permit (allowed = true) is unlimited', () => {
    const td = eip2612Permit({ token: TOKEN, owner: VAULT, spender: ATTACKER, value: '0' });
    td.types.Permit = [
      { name: 'holder', type: 'address' },
      { name: 'spender', type: 'address' },
      { name: 'nonce', type: 'uint256' },
      { name: 'expiry', type: 'uint256' },
      { name: 'allowed', type: 'bool' },
    ];
    td.message = { holder: VAULT, spender: ATTACKER, nonce: 0, expiry: 0, allowed: true };
    const a = analyzeTypedDataMessage(request(VAULT, td));
    assert.equal(a.kind, 'dai-permit');
    assert.equal(a.approvals[0]?.unlimited, true);
  });

  it('Permit2 PermitSingle → permit2-permit approval with expiration', () => {
    const a = analyzeTypedDataMessage(request(VAULT, permit2Single({ token: TOKEN, spender: ATTACKER })));
    assert.equal(a.kind, 'permit2-single');
    assert.equal(a.fields.canonicalPermit2, 'true');
    assert.equal(a.domain.verifyingContract, PERMIT2.toLowerCase());
    const [ap] = a.approvals;
    assert.equal(ap?.kind, 'permit2-permit');
    assert.equal(ap?.amount, MAX_UINT160);
    assert.equal(ap?.unlimited, true);
    assert.equal(ap?.expiration, '281474976710655');
    assert.equal(ap?.owner, VAULT);
    assert.deepEqual(a.counterparties[0], { address: ATTACKER, role: 'spender' });
  });

  it('Permit2 PermitBatch → one approval per token', () => {
    const a = analyzeTypedDataMessage(
      request(VAULT, permit2Batch({ tokens: [TOKEN, TOKEN2], spender: ATTACKER })),
    );
    assert.equal(a.kind, 'permit2-batch');
    assert.deepEqual(
      a.approvals.map((x) => [x.kind, x.token]),
      [
        ['permit2-permit-batch', TOKEN],
        ['permit2-permit-batch', TOKEN2],
      ],
    );
  });

  it('Permit2 signature transfers, with and without witness', () => {
    const plain = analyzeTypedDataMessage(
      request(VAULT, permit2TransferFrom({ token: TOKEN, spender: ATTACKER, amount: '500' })),
    );
    assert.equal(plain.kind, 'permit2-transfer');
    assert.equal(plain.approvals[0]?.amount, '500');
    assert.equal(plain.fields.nonce, '7');
    const witness = analyzeTypedDataMessage(
      request(VAULT, permit2TransferFrom({ token: TOKEN, spender: ATTACKER, amount: '500', witness: true })),
    );
    assert.equal(witness.kind, 'permit2-transfer');
    assert.equal(witness.fields.witness, 'true');
  });

  it('Seaport listing → the NFT leaves the offerer, payments go to their recipients', () => {
    const a = analyzeTypedDataMessage(
      request(
        VAULT,
        seaportListing({
          offerer: VAULT,
          nft: NFT,
          tokenId: '7',
          payments: [
            { recipient: VAULT, amount: '1000' },
            { recipient: ATTACKER, amount: '25' },
          ],
        }),
      ),
    );
    assert.equal(a.kind, 'seaport-order');
    const deltas = Object.fromEntries(a.assetChanges.map((c) => [`${c.address}:${c.asset.kind}`, c.delta]));
    assert.deepEqual(deltas, {
      [`${VAULT}:erc721`]: '-1',
      [`${VAULT}:native`]: '1000',
      [`${ATTACKER}:native`]: '25',
    });
    assert.equal(a.fields.signerIsOfferer, 'true');
    assert.ok(a.counterparties.some((c) => c.address === ATTACKER && c.role === 'recipient'));
  });

  it('Blur sell order → NFT out, price minus fees in, fees to their recipients', () => {
    const a = analyzeTypedDataMessage(
      request(
        VAULT,
        blurSell({ trader: VAULT, nft: NFT, price: '10000', fees: [{ rate: 50, recipient: ATTACKER }] }),
      ),
    );
    assert.equal(a.kind, 'blur-order');
    const deltas = Object.fromEntries(a.assetChanges.map((c) => [`${c.address}:${c.asset.kind}`, c.delta]));
    assert.deepEqual(deltas, {
      [`${VAULT}:erc721`]: '-1',
      [`${VAULT}:native`]: '9950',
      [`${ATTACKER}:native`]: '50',
    });
  });

  it('unknown messages give kind unknown (never a throw)', () => {
    const a = analyzeTypedDataMessage(
      request(VAULT, {
        domain: { name: 'Ether Mail', chainId: 1 },
        types: { Mail: [{ name: 'contents', type: 'string' }] },
        primaryType: 'Mail',
        message: { contents: 'hello' },
      }),
    );
    assert.equal(a.kind, 'unknown');
    assert.equal(a.fields.primaryType, 'Mail');
  });

  const malformed: [string, (td: ReturnType<typeof permit2Single>) => void][] = [
    [
      'amount above uint160',
      (td) => ((td.message.details as Record<string, unknown>).amount = (2n ** 160n).toString()),
    ],
    ['spender not an address', (td) => (td.message.spender = '0x1234')],
    ['amount not a number', (td) => ((td.message.details as Record<string, unknown>).amount = 'lots')],
    ['primaryType not defined', (td) => (td.primaryType = 'Nope')],
    ['missing struct field', (td) => delete (td.message as Record<string, unknown>).details],
    ['bad verifyingContract', (td) => (td.domain.verifyingContract = 'permit2')],
  ];
  for (const [name, mutate] of malformed) {
    it(`malformed input (${name}) → IntentError INVALID_INPUT`, () => {
      const td = permit2Single({ token: TOKEN, spender: ATTACKER });
      mutate(td);
      assert.throws(
        () => analyzeTypedDataMessage(request(VAULT, td)),
        (e: unknown) => e instanceof IntentError && e.code === 'INVALID_INPUT',
      );
    });
  }
});
