// Typed-data signatures that cannot be judged: an unrecognised message (Cairn cannot say what it
// authorises: medium, a human must read it), or a domain bound to another chain than the request's
// (the signature would be replayed elsewhere: high).
import type { Rule } from '../types.ts';
import { finding } from './context-queries.ts';

export const unrecognizedTypedDataRule: Rule = {
  id: 'unrecognized-typed-data',
  description: 'A typed-data message of no known standard: its effect cannot be determined (medium).',
  evaluate(ctx) {
    if (ctx.typedData?.kind !== 'unknown') return [];
    return [
      finding('unrecognized-typed-data', 'medium', ctx.typedData.description, {
        primaryType: ctx.typedData.fields.primaryType ?? '',
        ...(ctx.typedData.domain.name ? { domain: ctx.typedData.domain.name } : {}),
        ...(ctx.typedData.domain.verifyingContract
          ? { verifyingContract: ctx.typedData.domain.verifyingContract }
          : {}),
      }),
    ];
  },
};

export const typedDataChainMismatchRule: Rule = {
  id: 'typed-data-chain-mismatch',
  description: 'The typed-data domain names another chain than the request (high).',
  evaluate(ctx) {
    const chainId = ctx.typedData?.domain.chainId;
    if (chainId === undefined || chainId === String(ctx.chainId)) return [];
    return [
      finding(
        'typed-data-chain-mismatch',
        'high',
        `This signature is for chain ${chainId}, not for chain ${ctx.chainId} the request was made for.`,
        { domainChainId: chainId, requestChainId: String(ctx.chainId) },
      ),
    ];
  },
};
