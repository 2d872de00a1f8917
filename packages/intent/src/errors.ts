// Typed errors of the intent package. Each has a stable code; an engine error never escapes
// analyzeTransaction — it becomes a report with status 'unavailable' and risk 'unknown'.

export type IntentErrorCode =
  | 'INVALID_INPUT'
  | 'RPC_UNAVAILABLE'
  | 'RPC_ERROR'
  | 'TIMEOUT'
  | 'UNSUPPORTED_CHAIN'
  | 'UNSUPPORTED_METHOD'
  | 'ENGINE_FAILED';

export class IntentError extends Error {
  readonly code: IntentErrorCode;
  constructor(code: IntentErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IntentError';
    this.code = code;
  }
}

/** The stable code of any error (IntentError code, else ENGINE_FAILED). */
export function errorCode(error: unknown): IntentErrorCode {
  return error instanceof IntentError ? error.code : 'ENGINE_FAILED';
}
