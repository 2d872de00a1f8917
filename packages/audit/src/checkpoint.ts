// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note body a log signs to commit
// to a tree head. Three lines — origin, tree size in decimal, base64 root hash — then optional
// extension lines; each line ends in a newline.
import { AuditError } from './errors.ts';
import { HASH_SIZE } from './hash.ts';
import { decodeBase64Strict } from './note.ts';

export interface Checkpoint {
  /** Unique identity of the log, a schema-less URL such as "cairn.example/audit/node-1". */
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

export function isValidOrigin(origin: string): boolean {
  return typeof origin === 'string' && origin.length > 0 && origin.length <= 256 && !hasControlChar(origin);
}

export function formatCheckpoint(cp: Checkpoint): string {
  if (!isValidOrigin(cp.origin))
    throw new AuditError('MALFORMED_CHECKPOINT', `invalid origin '${cp.origin}'`);
  if (!Number.isSafeInteger(cp.size) || cp.size < 0)
    throw new AuditError('MALFORMED_CHECKPOINT', 'invalid size');
  if (cp.root.length !== HASH_SIZE)
    throw new AuditError('MALFORMED_CHECKPOINT', 'root hash must be 32 bytes');
  for (const ext of cp.extensions) {
    if (ext.length === 0 || hasControlChar(ext)) {
      throw new AuditError('MALFORMED_CHECKPOINT', 'extension lines must be non-empty text');
    }
  }
  const lines = [cp.origin, String(cp.size), Buffer.from(cp.root).toString('base64'), ...cp.extensions];
  return `${lines.join('\n')}\n`;
}

/** Parses a checkpoint body (the text of a signed note). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n'))
    throw new AuditError('MALFORMED_CHECKPOINT', 'checkpoint must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3)
    throw new AuditError('MALFORMED_CHECKPOINT', 'checkpoint needs origin, size and root lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!isValidOrigin(origin)) throw new AuditError('MALFORMED_CHECKPOINT', 'invalid origin line');
  // Decimal without leading zeroes, so one size has one text form.
  if (!/^(?:0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new AuditError('MALFORMED_CHECKPOINT', `invalid tree size line '${sizeText}'`);
  }
  const root = decodeBase64Strict(rootText);
  if (!root || root.length !== HASH_SIZE)
    throw new AuditError('MALFORMED_CHECKPOINT', 'invalid root hash line');
  if (extensions.some((e) => e.length === 0)) {
    throw new AuditError('MALFORMED_CHECKPOINT', 'checkpoint extension lines must not be empty');
  }
  return { origin, size: Number(sizeText), root, extensions };
}
