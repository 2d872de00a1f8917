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
  | 'UNAVAILABLE';

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
