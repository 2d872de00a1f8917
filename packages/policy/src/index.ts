// @cairn/policy: policy documents, the pure evaluator, velocity ledgers, signed approvals,
// quorum checks, governance of the policy itself, and what-if tools. See docs/policy.md.
export * from './amount.ts';
export * from './canonical-json.ts';
export * from './compile.ts';
export * from './decision.ts';
export * from './digest.ts';
export * from './document.ts';
export * from './errors.ts';
export * from './evaluate.ts';
export * from './ledger.ts';
export * from './ledger-sqlite.ts';
export * from './pricing.ts';
export * from './request.ts';
export * from './state.ts';
export * from './approval.ts';
export * from './governance.ts';
export * from './quorum.ts';
export * from './sign-job.ts';
export * from './signature.ts';
export * from './webauthn.ts';
export * from './json-schema.ts';
export * from './diff.ts';
export * from './history.ts';
export * from './policy-file.ts';
export * from './scenarios.ts';
export * from './node-policy.ts';
