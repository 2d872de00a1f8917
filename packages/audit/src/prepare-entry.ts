// Turning an appended input into a stored entry: validation, canonical encoding, leaf hash.
// Pure and order-independent, so large batches can be prepared in worker threads
// (append-worker.ts); the order-dependent part (times, indexes, tree) stays in log.ts.
import { type Entry, type EntryInput, encodeEntry, entryLeafHash, parseEntry } from './entry.ts';
import { AuditError } from './errors.ts';

export interface PreparedEntry {
  entry: Entry;
  /** Canonical JSON, exactly the bytes the leaf hash covers. */
  body: string;
  leaf: Uint8Array;
}

/** Validates `input` with its time filled in, and encodes and hashes it. */
export function prepareEntry(input: EntryInput, time: string): PreparedEntry {
  const entry = parseEntry({ v: 1, ...input, prev: input.prev ?? [], time });
  const body = encodeEntry(entry);
  return { entry, body, leaf: entryLeafHash(body) };
}

/** What a worker sends back per entry: the encoding, or the error that stopped it. */
export type PreparedWire = { body: string; leaf: Uint8Array } | { code: string; message: string };

export function prepareForWire(input: EntryInput, time: string): PreparedWire {
  try {
    const { body, leaf } = prepareEntry(input, time);
    return { body, leaf };
  } catch (error) {
    if (error instanceof AuditError) return { code: error.code, message: error.message };
    return { code: 'INVALID_ENTRY', message: (error as Error).message };
  }
}
