export * from './devnet/anvil.ts';
