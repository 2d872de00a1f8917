// @cairn/chains: chain adapters (EVM first) and the local devnet.
export * from './devnet/anvil.ts';
export * from './devnet/demo-token.ts';
export * from './evm/assemble.ts';
export * from './evm/build.ts';
export * from './evm/chain.ts';
export * from './evm/messages.ts';
export * from './evm/signing-payload.ts';
export * from './evm/transaction.ts';
