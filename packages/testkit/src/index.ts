export * from './scan.ts';
export * from './secrets.ts';
