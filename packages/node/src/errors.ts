// Typed failures of the signer node. Codes are stable (API responses, logs, metrics) and
// messages say what to do next; no message ever contains share material or a passphrase.

export type NodeErrorCode =
  | 'CONFIG_INVALID'
  | 'PASSPHRASE_MISSING'
  | 'WRONG_PASSPHRASE'
  | 'DATABASE_MISSING'
  | 'DATABASE_CORRUPTED'
  | 'IDENTITY_MISMATCH'
  | 'SHARE_MISSING'
  | 'SHARE_CORRUPTED'
  | 'NO_COMMITTEE'
  | 'COMMITTEE_REFUSED'
  | 'KEYGEN_REFUSED'
  | 'VAULT_EXISTS'
  | 'UNKNOWN_VAULT'
  | 'UNSUPPORTED_SCHEME'
  | 'SESSION_TIMEOUT'
  | 'SESSION_BUSY'
  | 'PEER_UNREACHABLE'
  | 'PROTOCOL_ABORTED'
  | 'SHUTTING_DOWN'
  | 'INVALID_REQUEST'
  | 'NOT_FOUND';

export class NodeError extends Error {
  readonly code: NodeErrorCode;
  constructor(code: NodeErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NodeError';
    this.code = code;
  }
}
