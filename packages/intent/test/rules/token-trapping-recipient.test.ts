import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bytecodeCanMoveAssets } from '../../src/rules/bytecode-capabilities.ts';
import {
  type CounterpartyCodeFacts,
  tokenTrappingRecipientRule,
} from '../../src/rules/token-trapping-recipient.ts';
import type { Hex } from '../../src/types.ts';
import { counterparty, ERC20, makeContext, severities, VAULT } from './context.ts';

const artifact = (name: string) =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../../contracts/artifacts', `${name}.json`), 'utf8'),
  ) as {
    deployedBytecode: Hex;
  };
const SINK = '0x5155000000000000000000000000000000005155';

describe('bytecodeCanMoveAssets', () => {
  it('the compiled TokenSink cannot move anything; Drainer, Safe proxy and AMM can', () => {
    assert.equal(bytecodeCanMoveAssets(artifact('TokenSink').deployedBytecode), false);
    for (const name of ['Drainer', 'SafeLikeProxy', 'SimpleAMM', 'OwnableVault', 'ERC1967Proxy']) {
      assert.equal(bytecodeCanMoveAssets(artifact(name).deployedBytecode), true, name);
    }
  });
  it('skips PUSH immediates and trailing CBOR metadata', () => {
    assert.equal(bytecodeCanMoveAssets('0x60f100'), false); // PUSH1 0xf1; STOP
    assert.equal(bytecodeCanMoveAssets('0x00f1'), true); // STOP; CALL
    // STOP, then metadata {a1 ... } ending in its 2-byte length: the 0xf1 inside is data.
    assert.equal(bytecodeCanMoveAssets('0x00a1f1f1f10004'), false);
    assert.equal(bytecodeCanMoveAssets('0x00a1f1f1f10003'), true); // wrong length: not metadata, so CALL counts
  });
  it('empty code and EIP-7702 designators are not traps', () => {
    assert.equal(bytecodeCanMoveAssets('0x'), true);
    assert.equal(bytecodeCanMoveAssets(`0xef0100${'11'.repeat(20)}`), true);
  });
});

describe('token-trapping-recipient', () => {
  const transfer = { asset: ERC20, from: VAULT, to: SINK, amount: '10', evidence: 'log 0' } as const;
  const withSink = (facts: Partial<CounterpartyCodeFacts>) =>
    makeContext({ transfers: [transfer], counterparties: [{ ...counterparty(SINK, 'contract'), ...facts }] });
  const cases = [
    {
      name: 'transfer to code that cannot move tokens → medium',
      ctx: withSink({ code: artifact('TokenSink').deployedBytecode }),
      expected: ['medium'],
    },
    {
      name: 'engine-supplied canMoveAssets=false → medium',
      ctx: withSink({ canMoveAssets: false }),
      expected: ['medium'],
    },
    {
      name: 'transfer to a contract that can move tokens → nothing',
      ctx: withSink({ code: artifact('Drainer').deployedBytecode }),
      expected: [],
    },
    { name: 'no code facts → nothing', ctx: withSink({}), expected: [] },
    { name: 'EOA recipient → nothing', ctx: withSink({ kind: 'eoa', canMoveAssets: false }), expected: [] },
    {
      name: 'transfer by someone else → nothing',
      ctx: makeContext({
        transfers: [{ ...transfer, from: SINK, to: VAULT }],
        counterparties: [
          { ...counterparty(SINK, 'contract'), canMoveAssets: false } as CounterpartyCodeFacts,
        ],
      }),
      expected: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(severities(tokenTrappingRecipientRule.evaluate(c.ctx)), c.expected);
    });
  }
});
