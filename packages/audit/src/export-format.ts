// The export file format (JSONL, "cairn-audit-export/v1"), shared by the exporter, the offline
// verifier and the replayer. Every line is one canonical JSON object (sorted keys, no spaces),
// so a verifier can insist that each line is byte-for-byte canonical: any edit that still
// parses changes a hash or a canonical form and is caught.
//
//   {"end":B,"format":"cairn-audit-export/v1","frontier":[hex…],"from":…,"generated":…,"origin":…,"start":A,"to":…,"type":"header"}
//   {"entry":{…},"index":I,"leaf":hex,"type":"entry"}                 one per entry, A <= I < B
//   {"note":"…","size":S,"type":"checkpoint"}                          right after entry S-1 (A < S <= B)
//   {"consistency":[hex…],"note":"…","size":N,"type":"checkpoint"}      after all entries, N > B
//   {"checkpoints":C,"entries":B-A,"type":"end"}
//
// `frontier` holds the perfect-subtree hashes of [0, A) (empty when A = 0), so a range export
// still commits to the checkpoints' roots; `consistency` is an RFC 9162 proof from B to N.
import { z } from 'zod';
import { timeSchema } from './entry.ts';

export const EXPORT_FORMAT = 'cairn-audit-export/v1';

const hash = z.string().regex(/^[0-9a-f]{64}$/);
const uint = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const headerLineSchema = z.strictObject({
  type: z.literal('header'),
  format: z.literal(EXPORT_FORMAT),
  origin: z.string().min(1),
  start: uint,
  end: uint,
  from: timeSchema.nullable(),
  to: timeSchema.nullable(),
  generated: timeSchema,
  frontier: z.array(hash).max(64),
});
export type HeaderLine = z.infer<typeof headerLineSchema>;

export const entryLineSchema = z.strictObject({
  type: z.literal('entry'),
  index: uint,
  leaf: hash,
  entry: z.record(z.string(), z.unknown()),
});

export const checkpointLineSchema = z.strictObject({
  type: z.literal('checkpoint'),
  size: uint,
  note: z
    .string()
    .min(1)
    .max(1 << 20),
  consistency: z.array(hash).max(128).optional(),
});
export type CheckpointLine = z.infer<typeof checkpointLineSchema>;

export const endLineSchema = z.strictObject({
  type: z.literal('end'),
  entries: uint,
  checkpoints: uint,
});

/** Longest line the splitter accepts (bytes). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Marks a line that is not valid UTF-8: no JSON parser accepts a leading NUL, so it fails loudly. */
export const INVALID_UTF8_MARK = '\u0000';

/**
 * Splits a byte stream into lines (without the newline). Each line is decoded as strict UTF-8;
 * a line that is not valid UTF-8 is yielded as INVALID_UTF8_MARK + its lossy decoding, so the
 * verifier reports it at its position instead of aborting the whole file.
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): AsyncGenerator<string> {
  const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lossy = new TextDecoder('utf-8', { ignoreBOM: true });
  const decode = (b: Uint8Array) => {
    try {
      return strict.decode(b);
    } catch {
      return INVALID_UTF8_MARK + lossy.decode(b);
    }
  };
  let rest: Buffer = Buffer.alloc(0);
  let skipping = false;
  for await (const chunk of chunks) {
    let buf: Buffer = rest.length > 0 ? Buffer.concat([rest, Buffer.from(chunk)]) : Buffer.from(chunk);
    if (skipping) {
      const nl = buf.indexOf(0x0a);
      if (nl < 0) continue;
      buf = buf.subarray(nl + 1);
      skipping = false;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      yield decode(buf.subarray(start, nl));
      start = nl + 1;
    }
    rest = buf.subarray(start);
    // A line longer than any valid one (notes are capped at 1 MiB, entries are far smaller)
    // would otherwise grow without bound: report it and skip to the next newline.
    if (rest.length > MAX_LINE_BYTES) {
      yield `${INVALID_UTF8_MARK}line longer than ${MAX_LINE_BYTES} bytes`;
      skipping = true;
      rest = Buffer.alloc(0);
    }
  }
  if (rest.length > 0) yield decode(rest);
}
