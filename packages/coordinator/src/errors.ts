// Typed coordinator failures. Codes are stable (clients and operators match on them); each maps
// to one HTTP status in the API.

export type CoordinatorErrorCode =
  | 'INVALID_INPUT'
  | 'BAD_SIGNATURE'
  | 'REPLAYED'
  | 'EXPIRED'
  | 'NOT_INITIATOR'
  | 'UNKNOWN_VAULT'
  | 'VAULT_NOT_READY'
  | 'VAULT_EXISTS'
  | 'UNSUPPORTED_CHAIN'
  | 'IDEMPOTENCY_CONFLICT'
  | 'NOT_FOUND'
  | 'UNAVAILABLE'
  // Approvals (docs/policy.md §6): the approval problem codes, and the request's own state.
  | 'MALFORMED_APPROVAL'
  | 'APPROVAL_MISMATCH'
  | 'UNKNOWN_APPROVER'
  | 'NOT_AN_APPROVER'
  | 'UNKNOWN_KEY'
  | 'APPROVAL_EXPIRED'
  | 'APPROVAL_NOT_YET_VALID'
  | 'NO_DECISION'
  | 'APPROVALS_NOT_REQUIRED'
  | 'NOT_PENDING'
  // Governance (docs/policy.md §5) and features that are not configured.
  | 'NO_POLICY'
  | 'INVALID_CHANGE'
  | 'BASE_MISMATCH'
  | 'INSUFFICIENT_SIGNATURES'
  | 'ACTIVATION_INVALID'
  | 'INVALID_STATE'
  | 'NO_AUDIT_LOG';

const STATUS: Record<CoordinatorErrorCode, number> = {
  INVALID_INPUT: 400,
  BAD_SIGNATURE: 401,
  REPLAYED: 409,
  EXPIRED: 422,
  NOT_INITIATOR: 403,
  UNKNOWN_VAULT: 404,
  VAULT_NOT_READY: 409,
  VAULT_EXISTS: 409,
  UNSUPPORTED_CHAIN: 422,
  IDEMPOTENCY_CONFLICT: 409,
  NOT_FOUND: 404,
  UNAVAILABLE: 503,
  MALFORMED_APPROVAL: 400,
  APPROVAL_MISMATCH: 409,
  UNKNOWN_APPROVER: 403,
  NOT_AN_APPROVER: 403,
  UNKNOWN_KEY: 403,
  APPROVAL_EXPIRED: 422,
  APPROVAL_NOT_YET_VALID: 422,
  NO_DECISION: 409,
  APPROVALS_NOT_REQUIRED: 409,
  NOT_PENDING: 409,
  NO_POLICY: 404,
  INVALID_CHANGE: 400,
  BASE_MISMATCH: 409,
  INSUFFICIENT_SIGNATURES: 401,
  ACTIVATION_INVALID: 422,
  INVALID_STATE: 422,
  NO_AUDIT_LOG: 404,
};

export class CoordinatorError extends Error {
  readonly code: CoordinatorErrorCode;
  constructor(code: CoordinatorErrorCode, message: string) {
    super(message);
    this.name = 'CoordinatorError';
    this.code = code;
  }
  get status(): number {
    return STATUS[this.code];
  }
}
