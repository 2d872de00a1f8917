// Typed failures of statement parsing and verification. Codes are stable: the node maps them to
// refusal codes in its API, and operators grep logs for them.

export type StatementErrorCode = 'INVALID_STATEMENT' | 'BAD_SIGNATURE' | 'INSUFFICIENT_SIGNATURES';

export class StatementError extends Error {
  readonly code: StatementErrorCode;
  constructor(code: StatementErrorCode, message: string) {
    super(message);
    this.name = 'StatementError';
    this.code = code;
  }
}
