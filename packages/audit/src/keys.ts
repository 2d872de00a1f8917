// The verifier's keys file: which log to expect and whose signatures count. JSON:
//   { "format": "cairn-audit-keys/v1", "origin": "cairn.example/audit/coordinator",
//     "log": "<vkey, type 0x01>", "witnesses": ["<vkey, type 0x04>", ...], "quorum": 3 }
// `quorum` (default: every witness) is how many witness cosignatures each checkpoint needs.
import { z } from 'zod';
import { isValidOrigin } from './checkpoint.ts';
import { AuditError } from './errors.ts';
import { type NoteVerifierKey, parseVerifierKey, SIG_COSIGNATURE_V1, SIG_ED25519 } from './note.ts';

export const KEYS_FORMAT = 'cairn-audit-keys/v1';

export const keysFileSchema = z.strictObject({
  format: z.literal(KEYS_FORMAT),
  origin: z.string().refine(isValidOrigin, 'invalid origin'),
  log: z.string(),
  witnesses: z.array(z.string()).max(64),
  quorum: z.number().int().nonnegative().optional(),
});
export type KeysFile = z.infer<typeof keysFileSchema>;

export interface VerifierKeys {
  origin: string;
  log: NoteVerifierKey;
  witnesses: NoteVerifierKey[];
  quorum: number;
}

/** Validates a parsed keys file; throws MALFORMED_KEYS_FILE with the first problem. */
export function parseKeysFile(value: unknown): VerifierKeys {
  const r = keysFileSchema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new AuditError('MALFORMED_KEYS_FILE', `keys file: ${i?.path.join('.') || 'root'}: ${i?.message}`);
  }
  const f = r.data;
  let log: NoteVerifierKey;
  let witnesses: NoteVerifierKey[];
  try {
    log = parseVerifierKey(f.log);
    witnesses = f.witnesses.map(parseVerifierKey);
  } catch (error) {
    throw new AuditError('MALFORMED_KEYS_FILE', `keys file: ${(error as Error).message}`);
  }
  if (log.type !== SIG_ED25519)
    throw new AuditError('MALFORMED_KEYS_FILE', 'keys file: log key must be type 0x01');
  for (const w of witnesses) {
    if (w.type !== SIG_COSIGNATURE_V1) {
      throw new AuditError('MALFORMED_KEYS_FILE', `keys file: witness key ${w.name} must be type 0x04`);
    }
  }
  const names = new Set([log.name, ...witnesses.map((w) => w.name)]);
  if (names.size !== witnesses.length + 1)
    throw new AuditError('MALFORMED_KEYS_FILE', 'keys file: duplicate key names');
  const quorum = f.quorum ?? witnesses.length;
  if (quorum > witnesses.length) {
    throw new AuditError(
      'MALFORMED_KEYS_FILE',
      `keys file: quorum ${quorum} exceeds ${witnesses.length} witnesses`,
    );
  }
  return { origin: f.origin, log, witnesses, quorum };
}

/** Builds a keys file for a log and its witnesses (what `docs/audit.md` tells operators to publish). */
export function makeKeysFile(p: {
  origin: string;
  log: string;
  witnesses: readonly string[];
  quorum?: number;
}): KeysFile {
  const file: KeysFile = { format: KEYS_FORMAT, origin: p.origin, log: p.log, witnesses: [...p.witnesses] };
  if (p.quorum !== undefined) file.quorum = p.quorum;
  parseKeysFile(file);
  return file;
}
