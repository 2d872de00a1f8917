// The coordinator's audit log (docs/audit.md): an @cairn/audit AuditLog in its own node:sqlite
// file, signed by the coordinator's log key, with checkpoints cosigned by every signer node as a
// witness. Entries of one request are chained through `prev` (each names the request's previous
// entry), appended in order even though callers fire and forget, and a checkpoint is taken after
// each finished request and periodically, so an export always verifies offline.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  AuditLog,
  type CheckpointResult,
  type EntryInput,
  type ExportResult,
  exportLog,
  makeKeysFile,
  NoteSigner,
  type KeysFile,
  SIG_ED25519,
  SqliteLogStore,
  type WitnessClient,
} from '@cairn/audit';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Logger } from '../log.ts';

export interface OpenAuditTrailParameters {
  /** SQLite file of the log (":memory:" for throwaway instances). */
  path: string;
  /** Checkpoint origin, e.g. "cairn.local/audit/coordinator". */
  origin: string;
  /** File holding the log key (hex secret, mode 0600), created on first start; omit for an ephemeral key. */
  keyFile?: string;
  /** The signer nodes, as witnesses; every checkpoint asks each of them to cosign. */
  witnesses?: readonly WitnessClient[];
  /** `actor` of the coordinator's entries. */
  actor?: string;
  logger?: Logger;
}

/** Loads the log's Ed25519 key, creating it (mode 0600) on first use. The key is never logged. */
export function loadOrCreateLogKey(origin: string, keyFile?: string): NoteSigner {
  const name = origin;
  if (!keyFile) return NoteSigner.generate(name, SIG_ED25519);
  if (existsSync(keyFile)) {
    const hex = readFileSync(keyFile, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`audit log key file ${keyFile} is malformed`);
    return new NoteSigner({ name, type: SIG_ED25519, secretKey: Buffer.from(hex, 'hex') });
  }
  mkdirSync(dirname(keyFile), { recursive: true });
  const secret = ed25519.utils.randomSecretKey();
  writeFileSync(keyFile, `${Buffer.from(secret).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(keyFile, 0o600);
  return new NoteSigner({ name, type: SIG_ED25519, secretKey: secret });
}

export class AuditTrail {
  readonly log: AuditLog;
  readonly store: SqliteLogStore;
  readonly signer: NoteSigner;
  readonly actor: string;
  readonly witnesses: readonly WitnessClient[];
  readonly #logger: Logger | undefined;
  /** Per request: the digest of its latest entry (resolved once appended). */
  readonly #heads = new Map<string, Promise<string | null>>();
  #tail: Promise<unknown> = Promise.resolve();
  #checkpointed = -1;
  #timer: NodeJS.Timeout | null = null;
  #checkpointing: Promise<CheckpointResult | null> | null = null;
  #failures = 0;

  private constructor(p: {
    log: AuditLog;
    store: SqliteLogStore;
    signer: NoteSigner;
    actor: string;
    witnesses: readonly WitnessClient[];
    logger?: Logger;
  }) {
    this.log = p.log;
    this.store = p.store;
    this.signer = p.signer;
    this.actor = p.actor;
    this.witnesses = p.witnesses;
    this.#logger = p.logger;
  }

  static async open(p: OpenAuditTrailParameters): Promise<AuditTrail> {
    if (p.path !== ':memory:') mkdirSync(dirname(p.path), { recursive: true });
    const store = SqliteLogStore.open(p.path);
    const signer = loadOrCreateLogKey(p.origin, p.keyFile);
    const witnesses = p.witnesses ?? [];
    const log = await AuditLog.open({ store, origin: p.origin, signer, witnesses });
    const trail = new AuditTrail({
      log,
      store,
      signer,
      actor: p.actor ?? 'coordinator',
      witnesses,
      ...(p.logger ? { logger: p.logger } : {}),
    });
    trail.#checkpointed = (await log.latestCheckpoint())?.size ?? 0;
    return trail;
  }

  /** Entries appended since the process started or failed to append (0 in a healthy log). */
  get failures(): number {
    return this.#failures;
  }

  /**
   * Appends an entry of a request (or of the deployment, with requestId null), chained to that
   * request's previous entry. Fire and forget: entries are appended in call order; a failure is
   * logged and counted, never thrown into the request lifecycle.
   */
  record(requestId: string | null, input: EntryInput): Promise<string | null> {
    const previous = requestId
      ? (this.#heads.get(requestId) ?? Promise.resolve(null))
      : Promise.resolve(null);
    const run = Promise.all([previous, this.#tail]).then(async ([prev]) => {
      try {
        const r = await this.log.append({ ...input, ...(prev ? { prev: [prev] } : {}) } as EntryInput);
        return r.digest;
      } catch (error) {
        this.#failures++;
        this.#logger?.log('error', 'audit.append_failed', {
          requestId,
          kind: input.kind,
          message: (error as Error).message,
        });
        return prev;
      }
    });
    this.#tail = run;
    if (requestId) this.#heads.set(requestId, run);
    return run;
  }

  /** Several entries of one request, in order. */
  recordAll(requestId: string | null, inputs: readonly EntryInput[]): Promise<string | null> {
    let last: Promise<string | null> = Promise.resolve(null);
    for (const i of inputs) last = this.record(requestId, i);
    return last;
  }

  /** True the first time `key` is marked in this log's store (e.g. a policy version already logged). */
  async markOnce(key: string): Promise<boolean> {
    if ((await this.store.getMeta(`mark:${key}`)) !== null) return false;
    await this.store.setMeta(`mark:${key}`, '1');
    return true;
  }

  /** Resolves once every entry recorded so far is appended. */
  async flush(): Promise<void> {
    await this.#tail;
  }

  /** Forgets the in-memory chain head of a finished request (its entries stay in the log). */
  finish(requestId: string): void {
    const head = this.#heads.get(requestId);
    void head?.then(() => {
      if (this.#heads.get(requestId) === head) this.#heads.delete(requestId);
    });
  }

  /**
   * Flushes, then signs a checkpoint of the whole log and collects every witness's cosignature
   * (refusals are logged and returned). Concurrent calls share one checkpoint; nothing to do
   * when the log has not grown since the last one.
   */
  checkpoint(options: { force?: boolean } = {}): Promise<CheckpointResult | null> {
    if (this.#checkpointing) {
      return this.#checkpointing.then(() => this.checkpoint(options));
    }
    const run = (async () => {
      await this.flush();
      if (!options.force && this.log.size === this.#checkpointed) return null;
      const result = await this.log.checkpoint();
      this.#checkpointed = result.size;
      for (const r of result.refusals) {
        this.#logger?.log('warn', 'audit.cosign_refused', {
          witness: r.witness,
          code: r.code,
          message: r.message,
        });
      }
      this.#logger?.log('info', 'audit.checkpoint', {
        size: result.size,
        cosigners: result.cosigners,
        refusals: result.refusals.length,
      });
      return result;
    })();
    run.catch((error) =>
      this.#logger?.log('error', 'audit.checkpoint_failed', { message: (error as Error).message }),
    );
    this.#checkpointing = run;
    const clear = () => {
      if (this.#checkpointing === run) this.#checkpointing = null;
    };
    run.then(clear, clear);
    return run;
  }

  /** Checkpoints every `intervalMs` while the log grows. */
  startPeriodicCheckpoints(intervalMs: number): void {
    this.stopPeriodicCheckpoints();
    this.#timer = setInterval(() => {
      this.checkpoint().catch(() => {
        // logged by checkpoint()
      });
    }, intervalMs);
    this.#timer.unref();
  }

  stopPeriodicCheckpoints(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /**
   * The JSONL export (docs/audit.md "Export format"), after a checkpoint of everything logged so
   * far, so the export covers the whole log.
   */
  async exportJsonl(p: { fromMs?: number | null; toMs?: number | null } = {}): Promise<{
    text: string;
    result: ExportResult;
  }> {
    await this.checkpoint();
    let text = '';
    const result = await exportLog({
      store: this.store,
      format: 'jsonl',
      fromMs: p.fromMs ?? null,
      toMs: p.toMs ?? null,
      write: (chunk) => {
        text += chunk;
      },
    });
    return { text, result };
  }

  /** The verifier's keys file: this log's key and the witnesses' cosigning keys. */
  keysFile(witnessKeys: readonly string[], quorum?: number): KeysFile {
    return makeKeysFile({
      origin: this.log.origin,
      log: this.signer.verifierKey,
      witnesses: witnessKeys,
      ...(quorum !== undefined ? { quorum } : {}),
    });
  }

  async close(): Promise<void> {
    this.stopPeriodicCheckpoints();
    await this.flush();
    if (this.#checkpointing) await this.#checkpointing.catch(() => null);
    await this.store.close();
  }
}
