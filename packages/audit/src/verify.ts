// The offline verifier: checks an export (see export-format.ts) against the keys of the log and
// its witnesses, with no Cairn service involved. It recomputes every leaf hash and the Merkle
// tree, checks every checkpoint's signature, cosignatures and root (or consistency proof), and
// that every entry is covered by a verified checkpoint. It reports problems in file order and
// names the first bad entry.
import { canonicalJson, isCanonicalText } from './canonical.ts';
import { parseCheckpoint } from './checkpoint.ts';
import { entryLeafHash, parseEntry } from './entry.ts';
import { AuditError } from './errors.ts';
import { checkpointLineSchema, endLineSchema, type HeaderLine, headerLineSchema } from './export-format.ts';
import { equalHash, fromHex, toHex } from './hash.ts';
import { Frontier, frontierNodes, verifyConsistency } from './merkle.ts';
import { parseNote, verifySignature } from './note.ts';
import type { VerifierKeys } from './keys.ts';

export type ProblemCode =
  | 'MISSING_HEADER'
  | 'MALFORMED_LINE'
  | 'ORIGIN_MISMATCH'
  | 'NON_CANONICAL'
  | 'INVALID_ENTRY'
  | 'LEAF_MISMATCH'
  | 'INDEX_MISMATCH'
  | 'TIME_REGRESSION'
  | 'UNKNOWN_REFERENCE'
  | 'BAD_CHECKPOINT'
  | 'BAD_SIGNATURE'
  | 'MISSING_COSIGNATURE'
  | 'CHECKPOINT_ORDER'
  | 'CHECKPOINT_POSITION'
  | 'ROOT_MISMATCH'
  | 'INCONSISTENT'
  | 'NOT_COVERED'
  | 'COUNT_MISMATCH'
  | 'TRUNCATED';

export interface Problem {
  code: ProblemCode;
  /** 1-based line number in the export. */
  line: number;
  /** The log index of the entry the problem is attributed to, when there is one. */
  index: number | null;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  origin: string | null;
  /** Index range [start, end) the export claims to hold. */
  start: number;
  end: number;
  entries: number;
  checkpoints: number;
  verifiedCheckpoints: number;
  /** Largest tree size proven by a fully verified checkpoint. */
  verifiedSize: number;
  /** Cosignatures verified per witness name. */
  cosignatures: Record<string, number>;
  /** References to entries before the export's start, which a range export cannot check. */
  unresolvedReferences: number;
  /** The first entry (log index) found bad, or null. */
  firstBadEntry: number | null;
  problems: Problem[];
  /** Problems beyond the reporting cap. */
  moreProblems: number;
}

export interface VerifyParameters {
  lines: AsyncIterable<string> | Iterable<string>;
  keys: VerifierKeys;
  /** Problems kept in the report (default 50); counting continues beyond. */
  maxProblems?: number;
}

/** The shape of an entry line (entryLineSchema, checked by hand: it runs a million times). */
function entryLineShape(
  v: unknown,
): { index: number; leaf: string; entry: Record<string, unknown> } | string {
  const o = v as Record<string, unknown>;
  let keys = 0;
  for (const _ in o) keys++;
  if (keys !== 4) return 'an entry line has exactly the keys entry, index, leaf and type';
  const { index, leaf, entry } = o;
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0)
    return 'index must be a non-negative integer';
  if (typeof leaf !== 'string' || !/^[0-9a-f]{64}$/.test(leaf))
    return 'leaf must be 64 lowercase hex characters';
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'entry must be an object';
  return { index, leaf, entry: entry as Record<string, unknown> };
}

/**
 * Whether an unparseable line was meant to be an entry line, so later entries keep their
 * positions. A single changed byte cannot break both the prefix and the leaf/index keys.
 */
function looksLikeEntryLine(line: string): boolean {
  return line.startsWith('{"entry":') || (line.includes('"leaf":"') && line.includes('"index":'));
}

/** Verifies an export. Never throws on bad content: everything wrong becomes a Problem. */
export async function verifyExport(p: VerifyParameters): Promise<VerifyReport> {
  const keys = p.keys;
  const max = p.maxProblems ?? 50;
  const report: VerifyReport = {
    ok: false,
    origin: null,
    start: 0,
    end: 0,
    entries: 0,
    checkpoints: 0,
    verifiedCheckpoints: 0,
    verifiedSize: 0,
    cosignatures: Object.fromEntries(keys.witnesses.map((w) => [w.name, 0])),
    unresolvedReferences: 0,
    firstBadEntry: null,
    problems: [],
    moreProblems: 0,
  };
  const problem = (code: ProblemCode, line: number, index: number | null, message: string) => {
    if (report.problems.length < max) report.problems.push({ code, line, index, message });
    else report.moreProblems++;
    if (index !== null && report.firstBadEntry === null) report.firstBadEntry = index;
  };

  let header: HeaderLine | null = null;
  let frontier = Frontier.empty();
  let lineNo = 0;
  let lastTime = '';
  let lastCheckpointSize = -1;
  let tailStarted = false;
  let sawEnd = false;
  /** Leaf hash (hex) -> position, for `prev` references and duplicate detection. */
  const seen = new Map<string, number>();

  for await (const line of p.lines) {
    lineNo++;
    if (sawEnd) {
      problem('MALFORMED_LINE', lineNo, null, 'content after the end line');
      break;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (header === null) {
        problem(
          'MISSING_HEADER',
          lineNo,
          null,
          'the first line must be a cairn-audit-export/v1 header (not JSON)',
        );
        break;
      }
      const looksLikeEntry = header !== null && looksLikeEntryLine(line);
      problem('MALFORMED_LINE', lineNo, looksLikeEntry ? frontier.size : null, 'line is not valid JSON');
      // Keep later entries at their positions; the checkpoint covering this one will fail.
      if (looksLikeEntry) {
        report.entries++;
        frontier.append(new Uint8Array(32));
      }
      continue;
    }
    const type = (value as { type?: unknown } | null)?.type;
    if (header === null) {
      const h = headerLineSchema.safeParse(value);
      if (!h.success) {
        problem('MISSING_HEADER', lineNo, null, 'the first line must be a cairn-audit-export/v1 header');
        break;
      }
      header = h.data;
      report.origin = header.origin;
      report.start = header.start;
      report.end = header.end;
      if (canonicalJson(value) !== line)
        problem('NON_CANONICAL', lineNo, null, 'header line is not canonical JSON');
      if (header.origin !== keys.origin) {
        problem(
          'ORIGIN_MISMATCH',
          lineNo,
          null,
          `export is of log '${header.origin}', keys are for '${keys.origin}'`,
        );
        break;
      }
      const hashes = header.frontier.map((h) => fromHex(h, 32)!);
      if (header.end < header.start || hashes.length !== frontierNodes(header.start).length) {
        problem('MALFORMED_LINE', lineNo, null, 'header range or frontier is inconsistent');
        break;
      }
      frontier = Frontier.fromHashes(header.start, hashes);
      report.verifiedSize = header.start;
      continue;
    }

    if (type === 'entry') {
      const position = frontier.size;
      report.entries++;
      if (tailStarted) problem('CHECKPOINT_POSITION', lineNo, position, 'entry after the tail checkpoint');
      const shape = entryLineShape(value);
      if (typeof shape === 'string') {
        problem('MALFORMED_LINE', lineNo, position, `entry line: ${shape}`);
        frontier.append(new Uint8Array(32));
        continue;
      }
      const { index, leaf, entry } = shape;
      if (index !== position) {
        // A later index: entries were deleted or moved. An earlier index: either a replayed copy
        // of an entry already seen (the copy is bad), or a second, different entry claiming that
        // index (the two conflict from the claimed index on).
        const copyOf = seen.get(leaf);
        const blame = index > position || copyOf === index ? position : index;
        problem(
          'INDEX_MISMATCH',
          lineNo,
          blame,
          index > position
            ? `entry #${position} is missing or moved (found #${index} in its place)`
            : copyOf === index
              ? `line at position #${position} repeats entry #${index}`
              : `entry #${index} appears twice with different content (again at position #${position})`,
        );
      }
      // The leaf hash covers the entry's bytes exactly as they appear in the line, and those
      // bytes must be the entry's canonical encoding (one entry, one byte string).
      const suffix = `,"index":${index},"leaf":"${leaf}","type":"entry"}`;
      const framed = line.startsWith('{"entry":') && line.endsWith(suffix);
      const body = framed ? line.slice(9, line.length - suffix.length) : null;
      if (body === null || !isCanonicalText(body, entry)) {
        problem('NON_CANONICAL', lineNo, position, `entry #${position}: line is not canonical JSON`);
      }
      const computed = entryLeafHash(body ?? line);
      const computedHex = toHex(computed);
      if (computedHex !== leaf) {
        problem(
          'LEAF_MISMATCH',
          lineNo,
          position,
          `entry #${position}: content does not match its leaf hash`,
        );
      }
      try {
        const parsed = parseEntry(entry);
        if (parsed.time < lastTime) {
          problem('TIME_REGRESSION', lineNo, position, `entry #${position}: time goes backwards`);
        }
        lastTime = parsed.time;
        for (const ref of parsed.prev) {
          if (seen.has(ref)) continue;
          if (header.start > 0) report.unresolvedReferences++;
          else
            problem(
              'UNKNOWN_REFERENCE',
              lineNo,
              position,
              `entry #${position}: prev ${ref} is not an earlier entry`,
            );
        }
      } catch (error) {
        problem('INVALID_ENTRY', lineNo, position, `entry #${position}: ${(error as Error).message}`);
      }
      if (!seen.has(computedHex)) seen.set(computedHex, position);
      frontier.append(computed);
      continue;
    }

    if (type === 'checkpoint') {
      report.checkpoints++;
      const r = checkpointLineSchema.safeParse(value);
      if (!r.success) {
        problem(
          'MALFORMED_LINE',
          lineNo,
          report.verifiedSize,
          `checkpoint line: ${r.error.issues[0]?.message}`,
        );
        continue;
      }
      if (canonicalJson(value) !== line)
        problem('NON_CANONICAL', lineNo, null, 'checkpoint line is not canonical JSON');
      const cpLine = r.data;
      const firstUncovered = report.verifiedSize < frontier.size ? report.verifiedSize : null;
      if (cpLine.size <= lastCheckpointSize) {
        problem(
          'CHECKPOINT_ORDER',
          lineNo,
          firstUncovered,
          `checkpoint of size ${cpLine.size} is out of order`,
        );
        continue;
      }
      lastCheckpointSize = cpLine.size;
      const checked = checkCheckpoint(cpLine.note, cpLine.size, keys);
      if (typeof checked === 'string' || checked.problem) {
        const [code, msg] =
          typeof checked === 'string' ? (['BAD_CHECKPOINT', checked] as const) : checked.problem!;
        problem(code, lineNo, firstUncovered, `checkpoint of size ${cpLine.size}: ${msg}`);
        if (typeof checked === 'string') continue;
      }
      for (const name of checked.cosigners) report.cosignatures[name] = (report.cosignatures[name] ?? 0) + 1;
      let rootOk: boolean;
      if (cpLine.consistency === undefined) {
        if (cpLine.size !== frontier.size) {
          // Entries missing or a checkpoint moved: the entry lines around it tell which, so
          // this problem blames no entry itself.
          problem(
            'CHECKPOINT_POSITION',
            lineNo,
            null,
            `checkpoint of size ${cpLine.size} appears after entry #${frontier.size - 1}`,
          );
          continue;
        }
        rootOk = equalHash(frontier.root(), checked.root);
        if (!rootOk) {
          problem(
            'ROOT_MISMATCH',
            lineNo,
            firstUncovered ?? report.verifiedSize,
            `entries do not hash to the root of the checkpoint of size ${cpLine.size}` +
              (firstUncovered !== null
                ? ` (first entry not covered by a valid checkpoint: #${firstUncovered})`
                : ''),
          );
        }
      } else {
        tailStarted = true;
        rootOk = verifyConsistency({
          firstSize: frontier.size,
          secondSize: cpLine.size,
          firstRoot: frontier.root(),
          secondRoot: checked.root,
          proof: cpLine.consistency.map((h) => fromHex(h, 32)!),
        });
        if (!rootOk) {
          problem(
            'INCONSISTENT',
            lineNo,
            firstUncovered,
            `entries up to #${frontier.size - 1} are not a prefix of the checkpoint of size ${cpLine.size}`,
          );
        }
      }
      if (rootOk && !checked.problem) {
        report.verifiedCheckpoints++;
        report.verifiedSize = Math.max(report.verifiedSize, Math.min(cpLine.size, frontier.size));
      }
      continue;
    }

    if (type === 'end') {
      sawEnd = true;
      const r = endLineSchema.safeParse(value);
      if (!r.success || canonicalJson(value) !== line) {
        problem('MALFORMED_LINE', lineNo, null, 'malformed end line');
        continue;
      }
      if (r.data.entries !== report.entries || r.data.checkpoints !== report.checkpoints) {
        problem(
          'COUNT_MISMATCH',
          lineNo,
          report.entries < r.data.entries ? header.start + report.entries : null,
          `end line counts ${r.data.entries} entries and ${r.data.checkpoints} checkpoints, found ${report.entries} and ${report.checkpoints}`,
        );
      }
      continue;
    }
    const looksLikeEntry = looksLikeEntryLine(line);
    problem(
      'MALFORMED_LINE',
      lineNo,
      looksLikeEntry ? frontier.size : null,
      `unknown line type ${JSON.stringify(type)}`,
    );
    if (looksLikeEntry) {
      report.entries++;
      frontier.append(new Uint8Array(32));
    }
  }

  if (header !== null) {
    if (frontier.size !== header.end) {
      problem(
        'COUNT_MISMATCH',
        lineNo,
        Math.min(frontier.size, header.end),
        `header declares entries #${header.start}..#${header.end - 1}, the file has ${frontier.size - header.start}`,
      );
    }
    if (report.verifiedSize < frontier.size) {
      problem(
        'NOT_COVERED',
        lineNo,
        report.verifiedSize,
        `entries from #${report.verifiedSize} on are not covered by any verified checkpoint`,
      );
    }
    if (!sawEnd) problem('TRUNCATED', lineNo, null, 'the export has no end line: it is truncated');
  } else if (report.problems.length === 0) {
    problem('MISSING_HEADER', lineNo, null, 'empty export');
  }
  report.ok = report.problems.length === 0 && report.moreProblems === 0;
  return report;
}

/**
 * Signature checks that succeeded, keyed by (key, signature, text): a pure function's results,
 * so re-verifying the same export (or checkpoints repeated across exports) skips the curve math.
 */
const verifiedMemo = new Set<string>();

interface CheckedCheckpoint {
  root: Uint8Array;
  cosigners: string[];
  problem?: readonly ['BAD_SIGNATURE' | 'MISSING_COSIGNATURE', string];
}

/** Checks a checkpoint note: syntax, origin, size, the log's signature and witness cosignatures. */
function checkCheckpoint(note: string, size: number, keys: VerifierKeys): CheckedCheckpoint | string {
  let parsed: ReturnType<typeof parseNote>;
  let cp: ReturnType<typeof parseCheckpoint>;
  try {
    parsed = parseNote(note);
    cp = parseCheckpoint(parsed.text);
  } catch (error) {
    return (error as Error).message;
  }
  if (cp.origin !== keys.origin) return `origin '${cp.origin}' is not '${keys.origin}'`;
  if (cp.size !== size) return `note says size ${cp.size}, line says ${size}`;
  let ownerOk = false;
  const cosigners = new Set<string>();
  const bad: string[] = [];
  for (const sig of parsed.signatures) {
    const key = [keys.log, ...keys.witnesses].find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (!key) continue; // signed-note: signatures from unknown keys are ignored
    try {
      const memoKey = `${key.name}+${key.keyId}\n${Buffer.from(key.publicKey).toString('base64')}\n${Buffer.from(sig.signature).toString('base64')}\n${parsed.text}`;
      if (!verifiedMemo.has(memoKey)) {
        verifySignature(parsed.text, sig, key);
        if (verifiedMemo.size >= 4096) verifiedMemo.clear();
        verifiedMemo.add(memoKey);
      }
      if (key === keys.log) ownerOk = true;
      else cosigners.add(key.name);
    } catch (error) {
      if (!(error instanceof AuditError)) throw error;
      bad.push(key.name);
    }
  }
  if (bad.length > 0) {
    return {
      root: cp.root,
      cosigners: [...cosigners],
      problem: ['BAD_SIGNATURE', `invalid signature by ${bad.join(', ')}`],
    };
  }
  if (!ownerOk) {
    return {
      root: cp.root,
      cosigners: [...cosigners],
      problem: ['BAD_SIGNATURE', `not signed by the log key ${keys.log.name}`],
    };
  }
  if (cosigners.size < keys.quorum) {
    const missing = keys.witnesses.filter((w) => !cosigners.has(w.name)).map((w) => w.name);
    return {
      root: cp.root,
      cosigners: [...cosigners],
      problem: [
        'MISSING_COSIGNATURE',
        `${cosigners.size} of ${keys.quorum} required cosignatures (missing: ${missing.join(', ')})`,
      ],
    };
  }
  return { root: cp.root, cosigners: [...cosigners] };
}
