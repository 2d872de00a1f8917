import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { typedDataChainMismatchRule, unrecognizedTypedDataRule } from '../../src/rules/typed-data-review.ts';
import { analyzeTypedDataMessage } from '../../src/typed-data/index.ts';
import type { AnalysisContext, TypedData } from '../../src/types.ts';
import { permit2Single, request } from '../typed-data/payloads.ts';
import { ATTACKER, makeContext, severities, TOKEN, VAULT } from './context.ts';

function typedContext(td: TypedData, chainId = 1): AnalysisContext {
  const req = request(VAULT, td, chainId);
  return makeContext({ chainId, request: req, typedData: analyzeTypedDataMessage(req) });
}
const mail: TypedData = {
  domain: { name: 'Ether Mail', chainId: 1 },
  types: { Mail: [{ name: 'contents', type: 'string' }] },
  primaryType: 'Mail',
  message: { contents: 'hi' },
};

describe('unrecognized-typed-data', () => {
  it('unknown message → medium; known message → nothing', () => {
    assert.deepEqual(severities(unrecognizedTypedDataRule.evaluate(typedContext(mail))), ['medium']);
    assert.deepEqual(
      unrecognizedTypedDataRule.evaluate(typedContext(permit2Single({ token: TOKEN, spender: ATTACKER }))),
      [],
    );
    assert.deepEqual(unrecognizedTypedDataRule.evaluate(makeContext()), []);
  });
});

describe('typed-data-chain-mismatch', () => {
  it('domain for chain 10 signed as a chain-1 request → high; same chain or no chainId → nothing', () => {
    const other = permit2Single({ token: TOKEN, spender: ATTACKER, chainId: 10 });
    assert.deepEqual(severities(typedDataChainMismatchRule.evaluate(typedContext(other))), ['high']);
    assert.deepEqual(
      typedDataChainMismatchRule.evaluate(typedContext(permit2Single({ token: TOKEN, spender: ATTACKER }))),
      [],
    );
    assert.deepEqual(
      typedDataChainMismatchRule.evaluate(typedContext({ ...mail, domain: { name: 'x' } })),
      [],
    );
  });
});
