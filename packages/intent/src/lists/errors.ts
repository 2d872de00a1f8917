// Typed errors of the address lists (address book, allowlist, blocklist / threat intel).

export type ListErrorCode = 'LIST_FILE_UNREADABLE' | 'LIST_FILE_INVALID';

/**
 * A list file could not be read or does not validate. Analysis must not go on without the list
 * (a blocklist that silently failed to load would let a known drainer through): callers fail closed.
 */
export class ListError extends Error {
  readonly code: ListErrorCode;
  readonly path: string;
  constructor(code: ListErrorCode, path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ListError';
    this.code = code;
    this.path = path;
  }
}
