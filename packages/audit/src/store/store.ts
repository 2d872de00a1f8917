// The storage interface of the audit log. The Merkle math and the formats never touch storage;
// a store only keeps bytes: entries with their leaf hashes, the perfect-subtree hashes proofs
// need, signed checkpoints, and metadata. Methods are async so a networked database
// (PostgreSQL) can implement the same interface as the embedded node:sqlite store.
import type { NewNode, NodeId } from '../merkle.ts';

export interface StoredEntry {
  index: number;
  /** The entry's time in milliseconds since the epoch, for range queries. */
  timeMs: number;
  kind: string;
  /** The entry's canonical JSON, exactly the bytes its leaf hash covers. */
  body: string;
  leaf: Uint8Array;
}

export interface StoredCheckpoint {
  size: number;
  timeMs: number;
  /** The signed note: checkpoint body, the owner's signature and every cosignature obtained. */
  note: string;
}

export interface LogStore {
  /** Reads a metadata value (e.g. the log's origin). */
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  /** Number of entries stored. */
  size(): Promise<number>;
  /** Time of the last entry, or null for an empty log. */
  lastTimeMs(): Promise<number | null>;
  /**
   * Appends entries (contiguous, starting at size()) and the new perfect-subtree hashes of
   * level >= 1 in ONE atomic, durable transaction: all or nothing.
   */
  append(entries: readonly StoredEntry[], nodes: readonly NewNode[]): Promise<void>;
  /** Hashes of perfect subtrees (level 0: leaf hashes), in the order asked. */
  readNodes(ids: readonly NodeId[]): Promise<Uint8Array[]>;
  /** Entries with start <= index < end, in index order, read in batches. */
  readEntries(start: number, end: number): AsyncIterable<StoredEntry>;
  /** The index range [start, end) of entries with fromMs <= time < toMs. */
  indexRangeForTime(fromMs: number | null, toMs: number | null): Promise<{ start: number; end: number }>;
  putCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  latestCheckpoint(): Promise<StoredCheckpoint | null>;
  /** Checkpoints with minSize <= size <= maxSize, by increasing size. */
  checkpoints(minSize: number, maxSize: number): Promise<StoredCheckpoint[]>;
  close(): Promise<void>;
}

/** What a witness remembers about one log: the last tree head it cosigned. */
export interface WitnessState {
  origin: string;
  size: number;
  root: Uint8Array;
}

/** One line of a witness's own record of what it verified and what it signed or refused. */
export interface WitnessRecord {
  timeMs: number;
  origin: string;
  oldSize: number;
  size: number;
  root: Uint8Array;
  verdict: 'cosigned' | 'refused';
  /** For refusals: the error code (SPLIT_VIEW, INCONSISTENT, ...). */
  code: string | null;
  detail: string;
  /** For cosigned checkpoints: the cosignature line produced. */
  cosignature: string | null;
}

export interface WitnessStore {
  state(origin: string): Promise<WitnessState | null>;
  /**
   * Records a verdict; for 'cosigned' also advances the state, atomically, and only if the
   * state still is `expected` (compare-and-swap, so two concurrent requests cannot both win).
   */
  record(record: WitnessRecord, expected: WitnessState | null): Promise<boolean>;
  history(origin: string): Promise<WitnessRecord[]>;
  close(): Promise<void>;
}
