export * from './errors.ts';
export * from './party.ts';
export * from './encoding.ts';
export * from './protocol.ts';
export * from './router.ts';
export * from './engine.ts';
export * from './share.ts';
export * from './scheme.ts';
