// Turning an appended input into a stored entry: validation, canonical encoding, leaf hash.
// Pure and order-independent; the order-dependent part (times, indexes, tree) is in log.ts.
import { type Entry, type EntryInput, encodeEntry, entryLeafHash, parseEntry } from './entry.ts';

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
