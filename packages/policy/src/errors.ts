// Typed errors of the policy package. Every failure has a stable code so that callers (the
// signer node, the coordinator, the CLI) can branch on it and show a helpful message.

export type PolicyErrorCode =
  | 'INVALID_DOCUMENT'
  | 'INVALID_REQUEST'
  | 'INVALID_STATE'
  | 'INVALID_CHANGE'
  | 'INVALID_APPROVAL'
  | 'INVALID_SCENARIOS'
  | 'INVALID_HISTORY'
  | 'NON_CANONICAL'
  | 'UNKNOWN_REFERENCE'
  | 'INSUFFICIENT_SIGNATURES'
  | 'BASE_MISMATCH'
  | 'ACTIVATION_INVALID';

export class PolicyError extends Error {
  readonly code: PolicyErrorCode;
  /** Machine-readable details (zod issue paths, missing references…); never secrets. */
  readonly details: readonly string[];
  constructor(code: PolicyErrorCode, message: string, options?: ErrorOptions & { details?: string[] }) {
    super(message, options);
    this.name = 'PolicyError';
    this.code = code;
    this.details = options?.details ?? [];
  }
}

/** Formats zod issues as `path: message` lines (stable, human-readable). */
export function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
}

/** The error for an untrusted value that fails its schema: `invalid <what>:` and every issue. */
export function invalidInput(
  code: PolicyErrorCode,
  what: string,
  issues: Parameters<typeof formatIssues>[0],
): PolicyError {
  const details = formatIssues(issues);
  return new PolicyError(code, `invalid ${what}:\n  ${details.join('\n  ')}`, { details });
}
