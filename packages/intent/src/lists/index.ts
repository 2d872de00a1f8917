export * from './errors.ts';
export * from './list-file.ts';
export * from './list-store.ts';
export * from './reloading-file.ts';
