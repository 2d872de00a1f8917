// @cairn/audit: the tamper-evident audit log — RFC 9162 Merkle log, C2SP signed checkpoints
// cosigned by every signer node as a witness, export, offline verification and decision replay.
export * from './canonical.ts';
export * from './checkpoint.ts';
export * from './entry.ts';
export * from './errors.ts';
export * from './export.ts';
export * from './export-format.ts';
export * from './files.ts';
export * from './hash.ts';
export * from './keys.ts';
export * from './log.ts';
export * from './merkle.ts';
export * from './note.ts';
export * from './policy-history.ts';
export * from './policy-replay.ts';
export * from './replay.ts';
export * from './report.ts';
export * from './store/sqlite.ts';
export * from './store/store.ts';
export * from './verify.ts';
export * from './witness.ts';
