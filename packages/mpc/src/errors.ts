// Typed errors of the threshold-signing layer. Every failure has a stable code, and a protocol
// failure names the party that caused it wherever the protocol makes that possible.
import type { PartyId } from './party.ts';

export type MpcErrorCode =
  | 'INVALID_PARAMETERS'
  | 'INVALID_LENGTH'
  | 'INVALID_POINT'
  | 'INVALID_SCALAR'
  | 'ZERO_SCALAR'
  | 'OUT_OF_RANGE'
  | 'MALFORMED_MESSAGE'
  | 'SESSION_MISMATCH'
  | 'UNEXPECTED_SENDER'
  | 'UNEXPECTED_ROUND'
  | 'DUPLICATE_MESSAGE'
  | 'INCONSISTENT_BROADCAST'
  | 'INVALID_PROOF'
  | 'INVALID_SHARE'
  | 'INVALID_SIGNATURE'
  | 'KEY_MISMATCH'
  | 'PRESIGNATURE_REUSED'
  | 'UNSUPPORTED'
  | 'NOT_FINISHED'
  | 'TIMEOUT';

export class MpcError extends Error {
  readonly code: MpcErrorCode;
  constructor(code: MpcErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MpcError';
    this.code = code;
  }
}

/**
 * A protocol run ended because a check failed. `culprit` is the party whose message failed the
 * check (null when the protocol cannot attribute it); `detectedBy` is the party that noticed.
 * A session that threw this must never be continued or retried with the same session id.
 */
export class ProtocolAbortError extends MpcError {
  readonly culprit: PartyId | null;
  detectedBy: PartyId | null;
  constructor(params: {
    code: MpcErrorCode;
    culprit: PartyId | null;
    detectedBy?: PartyId | null;
    message: string;
    cause?: unknown;
  }) {
    const who = params.culprit === null ? 'an unidentified party' : `party ${params.culprit}`;
    super(params.code, `protocol aborted: ${who}: ${params.message}`, { cause: params.cause });
    this.name = 'ProtocolAbortError';
    this.culprit = params.culprit;
    this.detectedBy = params.detectedBy ?? null;
  }
}

/** No progress is possible: some parties still wait for messages that will not arrive. */
export class MpcTimeoutError extends MpcError {
  /** For each unfinished party, the parties it is still waiting for. */
  readonly waiting: ReadonlyMap<PartyId, readonly PartyId[]>;
  constructor(waiting: ReadonlyMap<PartyId, readonly PartyId[]>) {
    const detail = [...waiting].map(([p, w]) => `party ${p} waits for [${w.join(', ')}]`).join('; ');
    super('TIMEOUT', `protocol timed out: ${detail || 'no party finished'}`);
    this.name = 'MpcTimeoutError';
    this.waiting = waiting;
  }
}

/** Runs `fn` (typically decoding or validating a peer's message) and blames `culprit` if it throws. */
export function blame<T>(culprit: PartyId, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ProtocolAbortError) throw error;
    const code = error instanceof MpcError ? error.code : 'MALFORMED_MESSAGE';
    const message = error instanceof Error ? error.message : String(error);
    throw new ProtocolAbortError({ code, culprit, message, cause: error });
  }
}
