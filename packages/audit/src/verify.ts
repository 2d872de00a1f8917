// The offline verifier: checks an export (see export-format.ts) against the keys of the log and
// its witnesses, with no Cairn service involved. It recomputes every leaf hash and the Merkle
// tree, checks every checkpoint's signature, cosignatures and root (or consistency proof), and
// that every entry is covered by a verified checkpoint. It reports problems in file order and
// names the first bad entry.
import { canonicalJson } from './canonical.ts';
import { parseCheckpoint } from './checkpoint.ts';
import { analyzeEntryLine, type EntryLineAnalysis, looksLikeEntryLine } from './entry-line.ts';
import { AuditError } from './errors.ts';
import { checkpointLineSchema, endLineSchema, type HeaderLine, headerLineSchema } from './export-format.ts';
import { equalHash, fromHex } from './hash.ts';
import { Frontier, frontierNodes, verifyConsistency } from './merkle.ts';
import { parseNote, verifySignature } from './note.ts';
import type { VerifierKeys } from './keys.ts';
import { WorkerPool } from './worker-pool.ts';

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
  /** Worker threads that analyse entry lines in parallel (default 0: all on this thread). */
  workers?: number;
  /** Lines per batch sent to a worker (default 1000). */
  batchLines?: number;
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

  let stop = false;

  /** The order-dependent checks of one line; `analysis` is set for entry lines. */
  const processLine = (line: string, analysis: EntryLineAnalysis | null): void => {
    lineNo++;
    if (sawEnd) {
      problem('MALFORMED_LINE', lineNo, null, 'content after the end line');
      stop = true;
      return;
    }
    if (header !== null && analysis !== null) {
      entryLine(analysis, header);
      return;
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
        stop = true;
      } else problem('MALFORMED_LINE', lineNo, null, 'line is not valid JSON');
      return;
    }
    const type = (value as { type?: unknown } | null)?.type;
    if (header === null) {
      const h = headerLineSchema.safeParse(value);
      if (!h.success) {
        problem('MISSING_HEADER', lineNo, null, 'the first line must be a cairn-audit-export/v1 header');
        stop = true;
        return;
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
        stop = true;
        return;
      }
      const hashes = header.frontier.map((h) => fromHex(h, 32)!);
      if (header.end < header.start || hashes.length !== frontierNodes(header.start).length) {
        problem('MALFORMED_LINE', lineNo, null, 'header range or frontier is inconsistent');
        stop = true;
        return;
      }
      frontier = Frontier.fromHashes(header.start, hashes);
      report.verifiedSize = header.start;
      return;
    }

    // An entry line that does not look like one (keys reordered, prefix damaged): same checks.
    if (type === 'entry') {
      entryLine(analyzeEntryLine(line), header);
      return;
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
        return;
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
        return;
      }
      lastCheckpointSize = cpLine.size;
      const checked = checkCheckpoint(cpLine.note, cpLine.size, keys);
      if (typeof checked === 'string' || checked.problem) {
        const [code, msg] =
          typeof checked === 'string' ? (['BAD_CHECKPOINT', checked] as const) : checked.problem!;
        problem(code, lineNo, firstUncovered, `checkpoint of size ${cpLine.size}: ${msg}`);
        if (typeof checked === 'string') return;
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
          return;
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
      return;
    }

    if (type === 'end') {
      sawEnd = true;
      const r = endLineSchema.safeParse(value);
      if (!r.success || canonicalJson(value) !== line) {
        problem('MALFORMED_LINE', lineNo, null, 'malformed end line');
        return;
      }
      if (r.data.entries !== report.entries || r.data.checkpoints !== report.checkpoints) {
        problem(
          'COUNT_MISMATCH',
          lineNo,
          report.entries < r.data.entries ? header.start + report.entries : null,
          `end line counts ${r.data.entries} entries and ${r.data.checkpoints} checkpoints, found ${report.entries} and ${report.checkpoints}`,
        );
      }
      return;
    }
    problem('MALFORMED_LINE', lineNo, null, `unknown line type ${JSON.stringify(type)}`);
  };

  /** Order-dependent checks of an entry line, after its analysis. */
  const entryLine = (a: EntryLineAnalysis, h: HeaderLine): void => {
    const position = frontier.size;
    report.entries++;
    if (tailStarted) problem('CHECKPOINT_POSITION', lineNo, position, 'entry after the tail checkpoint');
    if (!a.ok) {
      for (const x of a.problems) problem(x.code, lineNo, position, `entry #${position}: ${x.message}`);
      // Keep later entries at their positions; the checkpoint covering this one will fail.
      frontier.append(new Uint8Array(32));
      return;
    }
    if (a.index !== position) {
      // A later index: entries were deleted or moved. An earlier index: either a replayed copy
      // of an entry already seen (the copy is bad), or a second, different entry claiming that
      // index (the two conflict from the claimed index on).
      const copyOf = seen.get(a.leaf);
      const blame = a.index > position || copyOf === a.index ? position : a.index;
      problem(
        'INDEX_MISMATCH',
        lineNo,
        blame,
        a.index > position
          ? `entry #${position} is missing or moved (found #${a.index} in its place)`
          : copyOf === a.index
            ? `line at position #${position} repeats entry #${a.index}`
            : `entry #${a.index} appears twice with different content (again at position #${position})`,
      );
    }
    for (const x of a.problems) problem(x.code, lineNo, position, `entry #${position}: ${x.message}`);
    if (a.time !== null) {
      if (a.time < lastTime)
        problem('TIME_REGRESSION', lineNo, position, `entry #${position}: time goes backwards`);
      lastTime = a.time;
    }
    for (const ref of a.prev) {
      if (seen.has(ref)) continue;
      if (h.start > 0) report.unresolvedReferences++;
      else
        problem(
          'UNKNOWN_REFERENCE',
          lineNo,
          position,
          `entry #${position}: prev ${ref} is not an earlier entry`,
        );
    }
    if (!seen.has(a.computed)) seen.set(a.computed, position);
    frontier.append(fromHex(a.computed, 32)!);
  };

  const workers = Math.max(0, Math.floor(p.workers ?? 0));
  if (workers === 0) {
    for await (const line of p.lines) {
      processLine(line, looksLikeEntryLine(line) ? analyzeEntryLine(line) : null);
      if (stop) break;
    }
  } else {
    // Entry lines are analysed in worker threads, batch by batch; batches are consumed in file
    // order, with a bounded number in flight.
    const pool = new WorkerPool<string[], EntryLineAnalysis[]>(
      new URL('./verify-worker.ts', import.meta.url),
      workers,
    );
    const batchLines = Math.max(1, p.batchLines ?? 1000);
    const inflight: { lines: string[]; entry: boolean[]; results: Promise<EntryLineAnalysis[]> }[] = [];
    let batch: string[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      const entry = batch.map(looksLikeEntryLine);
      inflight.push({ lines: batch, entry, results: pool.run(batch.filter((_, i) => entry[i])) });
      batch = [];
    };
    const consume = async () => {
      const b = inflight.shift()!;
      const results = await b.results;
      let j = 0;
      for (let i = 0; i < b.lines.length && !stop; i++)
        processLine(b.lines[i]!, b.entry[i] ? results[j++]! : null);
    };
    try {
      for await (const line of p.lines) {
        batch.push(line);
        if (batch.length >= batchLines) {
          flush();
          while (inflight.length > 2 * workers && !stop) await consume();
          if (stop) break;
        }
      }
      flush();
      while (inflight.length > 0 && !stop) await consume();
    } finally {
      await pool.close();
    }
  }

  // (Assigned inside the closures above, which TypeScript's narrowing does not follow.)
  const finalHeader = header as HeaderLine | null;
  if (finalHeader !== null) {
    const header = finalHeader;
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
