// Audit entries: canonical, typed records of everything that changes custody state. An entry's
// digest is its RFC 9162 leaf hash, SHA-256(0x00 || canonical JSON), so `prev` references (the
// earlier entries an entry depends on) point straight at leaves of the log.
import { z } from 'zod';
import { canonicalJson, type JsonValue } from './canonical.ts';
import { AuditError } from './errors.ts';
import { leafHashOfText, toHex } from './hash.ts';

export const ENTRY_VERSION = 1;

const hex = (what: string) =>
  z.string().regex(/^(?:[0-9a-f]{2})+$/, `${what} must be non-empty lowercase hex`);
/** A SHA-256 digest as 64 lowercase hex characters. */
export const digestSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a digest is 64 lowercase hex characters');
const id = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'identifiers are printable ASCII without spaces');
const text = z.string().max(4096);
/** Amounts are decimal strings (never floats): no precision is lost between nodes and auditors. */
export const decimalSchema = z.string().regex(/^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/, 'a decimal string');
const uint = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** ISO 8601 UTC with milliseconds, the only time format an entry has. */
export const timeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'time must be ISO 8601 UTC with milliseconds')
  .refine((t) => !Number.isNaN(Date.parse(t)) && new Date(Date.parse(t)).toISOString() === t, 'invalid time');

/** Plain JSON only (what JSON.parse can return), so an entry equals its parsed encoding. */
function isPlainJson(v: unknown, depth = 0): boolean {
  switch (typeof v) {
    case 'string':
      return v.isWellFormed();
    case 'boolean':
      return true;
    case 'number':
      return Number.isSafeInteger(v);
    case 'object':
      if (v === null) return true;
      if (depth > 64) return false;
      if (Array.isArray(v)) {
        for (const x of v) if (!isPlainJson(x, depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      for (const k in v as Record<string, unknown>) {
        if (!isPlainJson((v as Record<string, unknown>)[k], depth + 1)) return false;
      }
      return true;
    default:
      return false;
  }
}

/** Any JSON value with a canonical encoding: no floats (amounts are decimal strings), no bytes. */
const json = z.custom<JsonValue>(
  (v) => isPlainJson(v),
  'a JSON value without floats (amounts are decimal strings)',
);

const approvedBy = z.array(id).max(256);

/** Per-kind payload schemas; every object is strict so an entry has one meaning. */
export const entryDataSchemas = {
  'request.received': z.strictObject({
    requestId: id,
    vaultId: id,
    initiator: id,
    request: json,
  }),
  'intent.reported': z.strictObject({
    requestId: id,
    riskLevel: id,
    findings: z.array(id).max(1024),
    intent: json,
  }),
  'policy.decided': z.strictObject({
    requestId: id,
    policy: z.strictObject({ id, version: uint, hash: digestSchema }),
    /** The decision as the evaluator returned it. */
    outcome: json,
    /** Everything the pure evaluator read, so an auditor can replay the decision. */
    inputs: z
      .strictObject({ request: json, intent: json, ledger: json, prices: json.optional(), now: timeSchema })
      .optional(),
  }),
  'approval.recorded': z.strictObject({
    requestId: id,
    approver: id,
    verdict: z.enum(['approve', 'reject']),
    method: id,
    signature: hex('signature'),
  }),
  'signjob.accepted': z.strictObject({ requestId: id, jobId: id, node: id }),
  'signjob.refused': z.strictObject({ requestId: id, jobId: id, node: id, code: id, reason: text }),
  'signature.produced': z.strictObject({
    requestId: id,
    jobId: id,
    keyId: id,
    scheme: id,
    signature: hex('signature'),
  }),
  'tx.broadcast': z.strictObject({ requestId: id, chain: id, txHash: hex('txHash') }),
  'tx.confirmed': z.strictObject({
    requestId: id,
    chain: id,
    txHash: hex('txHash'),
    block: uint,
    status: z.enum(['success', 'reverted']),
  }),
  'key.generated': z.strictObject({
    keyId: id,
    scheme: id,
    threshold: uint,
    parties: z.array(id).min(1).max(256),
    publicKey: hex('publicKey'),
  }),
  'key.refreshed': z.strictObject({ keyId: id, epoch: uint }),
  'key.reshared': z.strictObject({
    keyId: id,
    epoch: uint,
    threshold: uint,
    parties: z.array(id).min(1).max(256),
  }),
  'policy.changed': z.strictObject({
    policyId: id,
    version: uint,
    /** SHA-256 of the canonical policy document, as decisions reference it. */
    hash: digestSchema,
    document: json,
    approvedBy,
  }),
  'membership.changed': z.strictObject({ change: id, member: id, role: id, approvedBy }),
  'addressbook.changed': z.strictObject({ change: id, address: json, approvedBy }),
  'node.started': z.strictObject({ node: id, version: id }),
  'node.stopped': z.strictObject({ node: id, reason: text }),
} as const;

export type EntryKind = keyof typeof entryDataSchemas;
export const ENTRY_KINDS = Object.keys(entryDataSchemas) as EntryKind[];
export type EntryData<K extends EntryKind> = z.infer<(typeof entryDataSchemas)[K]>;

const envelope = {
  v: z.literal(ENTRY_VERSION),
  time: timeSchema,
  /** Who produced the entry: a node, a user or a service id. */
  actor: id,
  /** Digests (leaf hashes) of the earlier entries this one depends on. */
  prev: z.array(digestSchema).max(64),
};

function variant<K extends EntryKind>(kind: K) {
  return z.strictObject({ ...envelope, kind: z.literal(kind), data: entryDataSchemas[kind] });
}

export const entrySchema = z.discriminatedUnion('kind', [
  variant('request.received'),
  variant('intent.reported'),
  variant('policy.decided'),
  variant('approval.recorded'),
  variant('signjob.accepted'),
  variant('signjob.refused'),
  variant('signature.produced'),
  variant('tx.broadcast'),
  variant('tx.confirmed'),
  variant('key.generated'),
  variant('key.refreshed'),
  variant('key.reshared'),
  variant('policy.changed'),
  variant('membership.changed'),
  variant('addressbook.changed'),
  variant('node.started'),
  variant('node.stopped'),
]);

/** One audit record. */
export type Entry = z.infer<typeof entrySchema>;
export type EntryOf<K extends EntryKind> = Extract<Entry, { kind: K }>;

/** What a caller appends: the log fills in `v` and, unless given, `time` and `prev`. */
export type EntryInput = {
  [K in EntryKind]: { kind: K; actor: string; data: EntryData<K>; prev?: string[]; time?: string };
}[EntryKind];

/** Validates an untrusted value as an entry; throws INVALID_ENTRY naming the first problem. */
export function parseEntry(value: unknown): Entry {
  const r = entrySchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'entry';
    throw new AuditError('INVALID_ENTRY', `${where}: ${issue?.message ?? 'invalid entry'}`);
  }
  return r.data;
}

/** The canonical encoding of an entry (the bytes its leaf hash covers), as a string. */
export function encodeEntry(entry: Entry): string {
  return canonicalJson(entry);
}

/** The entry's digest: its RFC 9162 leaf hash over the canonical UTF-8 encoding. */
export function entryLeafHash(canonical: string): Uint8Array {
  return leafHashOfText(canonical);
}

export function entryDigest(entry: Entry): string {
  return toHex(entryLeafHash(encodeEntry(entry)));
}
