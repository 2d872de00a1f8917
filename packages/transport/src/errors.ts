// Typed transport failures. A rejected envelope is dropped (never delivered) and reported with
// one of these codes; a failed send surfaces to the caller so a protocol session can abort.

export type TransportErrorCode =
  | 'MALFORMED_ENVELOPE'
  | 'UNSUPPORTED_VERSION'
  | 'UNKNOWN_SENDER'
  | 'UNKNOWN_RECIPIENT'
  | 'WRONG_RECIPIENT'
  | 'BAD_SIGNATURE'
  | 'DECRYPTION_FAILED'
  | 'REPLAYED'
  | 'SESSION_CLOSED'
  | 'BUFFER_FULL'
  | 'SEND_FAILED'
  | 'CLOSED';

export class TransportError extends Error {
  readonly code: TransportErrorCode;
  constructor(code: TransportErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransportError';
    this.code = code;
  }
}
