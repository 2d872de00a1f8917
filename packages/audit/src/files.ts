// File-level entry points used by the CLI and tests: read an export or a keys file from disk,
// write an export to disk. The formats live in export-format.ts and keys.ts.
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { AuditError } from './errors.ts';
import { type ExportFormat, type ExportResult, exportLog } from './export.ts';
import { splitLines } from './export-format.ts';
import { parseKeysFile, type VerifierKeys } from './keys.ts';
import type { LogStore } from './store/store.ts';

/** The lines of an export file, streamed. */
export function readExportFile(path: string): AsyncGenerator<string> {
  return splitLines(createReadStream(path, { highWaterMark: 1 << 20 }));
}

/** Reads and validates a keys file. */
export function readKeysFile(path: string): VerifierKeys {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuditError('MALFORMED_KEYS_FILE', `cannot read keys file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AuditError('MALFORMED_KEYS_FILE', `keys file ${path} is not valid JSON`);
  }
  return parseKeysFile(value);
}

/** Exports `store` to a file (JSONL or CSV), streaming with backpressure. */
export async function exportToFile(p: {
  store: LogStore;
  path: string;
  format: ExportFormat;
  fromMs?: number | null;
  toMs?: number | null;
}): Promise<ExportResult> {
  const out = createWriteStream(p.path, { flags: 'w' });
  try {
    const result = await exportLog({
      store: p.store,
      format: p.format,
      fromMs: p.fromMs ?? null,
      toMs: p.toMs ?? null,
      write: async (chunk) => {
        if (!out.write(chunk)) await once(out, 'drain');
      },
    });
    out.end();
    await once(out, 'finish');
    return result;
  } catch (error) {
    out.destroy();
    throw error;
  }
}
