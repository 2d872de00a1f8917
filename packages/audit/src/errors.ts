// Typed errors of the audit log. Every failure has a stable code so callers (the CLI, the signer
// node, the coordinator) can react without parsing messages.

export type AuditErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_ENTRY'
  | 'NON_CANONICAL'
  | 'INVALID_PROOF'
  | 'MALFORMED_NOTE'
  | 'MALFORMED_CHECKPOINT'
  | 'MALFORMED_KEY'
  | 'INVALID_SIGNATURE'
  | 'UNKNOWN_KEY'
  | 'ORIGIN_MISMATCH'
  | 'SPLIT_VIEW'
  | 'STALE_CHECKPOINT'
  | 'OLD_SIZE_MISMATCH'
  | 'INCONSISTENT'
  | 'NON_MONOTONIC_TIME'
  | 'STORAGE'
  | 'MALFORMED_EXPORT'
  | 'MALFORMED_KEYS_FILE';

export class AuditError extends Error {
  readonly code: AuditErrorCode;
  constructor(code: AuditErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AuditError';
    this.code = code;
  }
}
