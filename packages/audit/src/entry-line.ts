// What the offline verifier can check about one entry line on its own: JSON, shape, canonical
// bytes, leaf hash, entry schema. Pure and position-independent, so it runs in worker threads;
// the order-dependent checks (index, time, references, tree) stay in verify.ts.
import { isCanonicalText } from './canonical.ts';
import { entryLeafHash, parseEntry } from './entry.ts';
import { toHex } from './hash.ts';

export type EntryLineProblemCode = 'MALFORMED_LINE' | 'NON_CANONICAL' | 'LEAF_MISMATCH' | 'INVALID_ENTRY';

export interface EntryLineAnalysis {
  /** False when the line is no usable entry line (not JSON, wrong shape): nothing else is set. */
  ok: boolean;
  /** The index and leaf hash the line claims. */
  index: number;
  leaf: string;
  /** The leaf hash of the entry bytes as they appear in the line (hex). */
  computed: string;
  /** From a schema-valid entry; null otherwise. */
  time: string | null;
  prev: string[];
  problems: { code: EntryLineProblemCode; message: string }[];
}

/**
 * Whether a line is (or was meant to be) an entry line. A single changed byte cannot break both
 * the prefix and the leaf/index keys, so a damaged entry line still counts at its position.
 */
export function looksLikeEntryLine(line: string): boolean {
  return line.startsWith('{"entry":') || (line.includes('"leaf":"') && line.includes('"index":'));
}

function malformed(message: string): EntryLineAnalysis {
  return {
    ok: false,
    index: -1,
    leaf: '',
    computed: '',
    time: null,
    prev: [],
    problems: [{ code: 'MALFORMED_LINE', message }],
  };
}

export function analyzeEntryLine(line: string): EntryLineAnalysis {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return malformed('line is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return malformed('not a JSON object');
  const o = value as Record<string, unknown>;
  if (o.type !== 'entry') return malformed(`unknown line type ${JSON.stringify(o.type)}`);
  let keys = 0;
  for (const _ in o) keys++;
  const { index, leaf, entry } = o;
  if (keys !== 4) return malformed('an entry line has exactly the keys entry, index, leaf and type');
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) {
    return malformed('index must be a non-negative integer');
  }
  if (typeof leaf !== 'string' || !/^[0-9a-f]{64}$/.test(leaf))
    return malformed('leaf must be 64 lowercase hex characters');
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return malformed('entry must be an object');

  const problems: EntryLineAnalysis['problems'] = [];
  // The leaf hash covers the entry's bytes exactly as they appear in the line, and those bytes
  // must be the entry's canonical encoding (one entry, one byte string).
  const suffix = `,"index":${index},"leaf":"${leaf}","type":"entry"}`;
  const body =
    line.startsWith('{"entry":') && line.endsWith(suffix) ? line.slice(9, line.length - suffix.length) : null;
  if (body === null || !isCanonicalText(body, entry))
    problems.push({ code: 'NON_CANONICAL', message: 'line is not canonical JSON' });
  const computed = toHex(entryLeafHash(body ?? line));
  if (computed !== leaf)
    problems.push({ code: 'LEAF_MISMATCH', message: 'content does not match its leaf hash' });
  let time: string | null = null;
  let prev: string[] = [];
  try {
    const parsed = parseEntry(entry);
    time = parsed.time;
    prev = parsed.prev;
  } catch (error) {
    problems.push({ code: 'INVALID_ENTRY', message: (error as Error).message });
  }
  return { ok: true, index, leaf, computed, time, prev, problems };
}
