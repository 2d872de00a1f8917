// Export of the log for auditors: JSONL with entries, proofs and checkpoints (see
// export-format.ts), verifiable offline, or CSV for spreadsheets. Works from the store alone,
// so `cairn audit export` needs no keys and no running services.
import { canonicalJson } from './canonical.ts';
import { AuditError } from './errors.ts';
import { EXPORT_FORMAT, type HeaderLine } from './export-format.ts';
import { toHex } from './hash.ts';
import { consistencyProofRanges, frontierNodes, resolveRanges } from './merkle.ts';
import type { LogStore } from './store/store.ts';

export type ExportFormat = 'jsonl' | 'csv';

export interface ExportParameters {
  store: LogStore;
  format: ExportFormat;
  /** Entries with time >= from (ms since epoch); null: from the first entry. */
  fromMs?: number | null;
  /** Entries with time < to; null: up to the last checkpointed entry. */
  toMs?: number | null;
  /** Receives the output in chunks; awaited, so a file writer can apply backpressure. */
  write: (chunk: string) => void | Promise<void>;
  now?: () => number;
}

export interface ExportResult {
  start: number;
  end: number;
  entries: number;
  checkpoints: number;
  /** Entries in the requested range left out because no checkpoint covers them yet. */
  uncheckpointed: number;
}

const CHUNK = 1 << 20;

export async function exportLog(p: ExportParameters): Promise<ExportResult> {
  const store = p.store;
  const origin = await store.getMeta('origin');
  if (origin === null) throw new AuditError('STORAGE', 'the store has no log (no origin recorded)');
  const fromMs = p.fromMs ?? null;
  const toMs = p.toMs ?? null;
  const range = await store.indexRangeForTime(fromMs, toMs);
  const latest = await store.latestCheckpoint();
  const covered = latest?.size ?? 0;
  const start = Math.min(range.start, covered);
  const end = Math.min(range.end, covered);
  const uncheckpointed = range.end - Math.max(end, range.start);

  let buffer = '';
  const emit = async (text: string) => {
    buffer += text;
    if (buffer.length >= CHUNK) {
      const out = buffer;
      buffer = '';
      await p.write(out);
    }
  };

  const inRange = await store.checkpoints(start + 1, end);
  let checkpointCount = 0;
  if (p.format === 'jsonl') {
    const frontier = await store.readNodes(frontierNodes(start));
    const header: HeaderLine = {
      type: 'header',
      format: EXPORT_FORMAT,
      origin,
      start,
      end,
      from: fromMs === null ? null : new Date(fromMs).toISOString(),
      to: toMs === null ? null : new Date(toMs).toISOString(),
      generated: new Date((p.now ?? Date.now)()).toISOString(),
      frontier: frontier.map(toHex),
    };
    await emit(`${canonicalJson(header)}\n`);
    let cpi = 0;
    for await (const e of store.readEntries(start, end)) {
      // Keys in canonical order: entry, index, leaf, type; the body is already canonical.
      await emit(`{"entry":${e.body},"index":${e.index},"leaf":"${toHex(e.leaf)}","type":"entry"}\n`);
      while (cpi < inRange.length && inRange[cpi]!.size === e.index + 1) {
        await emit(
          `${canonicalJson({ type: 'checkpoint', size: inRange[cpi]!.size, note: inRange[cpi]!.note })}\n`,
        );
        cpi++;
        checkpointCount++;
      }
    }
    if (latest && latest.size > end) {
      const proof = await resolveRanges(consistencyProofRanges(end, latest.size), (ids) =>
        store.readNodes(ids),
      );
      await emit(
        `${canonicalJson({ type: 'checkpoint', size: latest.size, note: latest.note, consistency: proof.map(toHex) })}\n`,
      );
      checkpointCount++;
    }
    await emit(`${canonicalJson({ type: 'end', entries: end - start, checkpoints: checkpointCount })}\n`);
  } else {
    await emit(`${CSV_COLUMNS.join(',')}\r\n`);
    for await (const e of store.readEntries(start, end)) {
      const entry = JSON.parse(e.body) as CsvEntry;
      const row = [
        String(e.index),
        entry.time,
        entry.kind,
        entry.actor,
        requestIdOf(entry.data),
        toHex(e.leaf),
        (entry.prev ?? []).join(' '),
        canonicalJson(entry.data),
      ];
      await emit(`${row.map(csvCell).join(',')}\r\n`);
    }
  }
  if (buffer.length > 0) await p.write(buffer);
  return { start, end, entries: end - start, checkpoints: checkpointCount, uncheckpointed };
}

export const CSV_COLUMNS = ['index', 'time', 'kind', 'actor', 'request_id', 'digest', 'prev', 'data'];

interface CsvEntry {
  time: string;
  kind: string;
  actor: string;
  prev?: string[];
  data: Record<string, unknown>;
}

function requestIdOf(data: Record<string, unknown>): string {
  return typeof data.requestId === 'string' ? data.requestId : '';
}

/**
 * RFC 4180 quoting, and a leading apostrophe for cells a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR): exported data comes from requests an attacker may shape.
 */
export function csvCell(value: string): string {
  let v = value;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  if (/[",\r\n]/.test(v)) v = `"${v.replaceAll('"', '""')}"`;
  return v;
}
