// Shared statement formats of the signing path (docs/agents/SIGNING-PATH.md, docs/signing-path.md).
export * from './admin-quorum.ts';
export * from './committee.ts';
export * from './encoding.ts';
export * from './errors.ts';
export * from './keygen-job.ts';
export * from './responses.ts';
export * from './sign-job.ts';
export * from './sign-request.ts';
export * from './signature.ts';
