// Static EIP-712 analysis: what a typed-data signature would authorise, in the same model as a
// simulated transaction (approvals, asset changes, counterparties), so the same rules judge both.
import type { TypedDataAnalysis, TypedDataAnalyzer } from '../types.ts';
import { domainOf, type StandardAnalyzer } from './analysis.ts';
import { analyzeBlur } from './blur.ts';
import { parseTypedData } from './eip712.ts';
import { analyzePermit } from './permit.ts';
import { analyzePermit2 } from './permit2.ts';
import { analyzeSeaport } from './seaport.ts';

export { PERMIT2_ADDRESS } from './permit2.ts';
export { parseTypedData, typedDataSchema } from './eip712.ts';

const ANALYZERS: readonly StandardAnalyzer[] = [analyzePermit, analyzePermit2, analyzeSeaport, analyzeBlur];

/**
 * Analyses one typed-data request. Unknown messages give kind 'unknown' (never a throw); malformed
 * input (bad shape, value not matching its declared type) throws IntentError INVALID_INPUT.
 */
export const analyzeTypedDataMessage: TypedDataAnalyzer = (request) => {
  const parsed = parseTypedData(request.typedData);
  for (const analyze of ANALYZERS) {
    const analysis = analyze(parsed, request);
    if (analysis) return analysis;
  }
  const unknown: TypedDataAnalysis = {
    kind: 'unknown',
    description: `Unrecognised typed data "${parsed.typedData.primaryType}"${
      parsed.typedData.domain.name ? ` for "${parsed.typedData.domain.name}"` : ''
    }: Cairn cannot tell what this signature authorises.`,
    domain: domainOf(parsed),
    approvals: [],
    assetChanges: [],
    counterparties: parsed.verifyingContract
      ? [{ address: parsed.verifyingContract, role: 'verifying-contract' }]
      : [],
    fields: { hash: parsed.hash, primaryType: parsed.typedData.primaryType },
  };
  return unknown;
};
