export * from './scan.ts';
export * from './secrets.ts';
export * from './process-logs.ts';
