// @cairn/transport: authenticated, encrypted, ordered envelopes between signer nodes over an
// untrusted carrier (in-memory for tests, direct HTTP on loopback/TLS; NATS later).
export * from './carrier.ts';
export * from './ed25519.ts';
export * from './envelope.ts';
export * from './errors.ts';
export * from './http-carrier.ts';
export * from './in-memory-carrier.ts';
export * from './secure-transport.ts';
export * from './websocket-carrier.ts';
