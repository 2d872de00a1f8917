// @cairn/node: the signer node. Statement formats shared with the coordinator, and the node's
// building blocks (share store, verification pipeline, protocol runner, HTTP API).
export * from './config.ts';
export * from './database.ts';
export * from './errors.ts';
export * from './governance-store.ts';
export * from './http-api.ts';
export * from './identity.ts';
export * from './key-envelope.ts';
export * from './log.ts';
export * from './membership.ts';
export * from './metrics.ts';
export * from './node-audit.ts';
export * from './pipeline/check-intent.ts';
export * from './pipeline/check-policy.ts';
export * from './pipeline/step.ts';
export * from './pipeline/sign-pipeline.ts';
export * from './protocol-runner.ts';
export * from './refusal.ts';
export * from './replay-guard.ts';
export * from './request-facts.ts';
export * from './scheme-registry.ts';
export * from './share-store.ts';
export * from './signer-node.ts';
export * from './signing-payload.ts';
export * from './statements/index.ts';
export * from './vault-store.ts';
