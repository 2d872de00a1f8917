// AuditLog: the append-only, tamper-evident log. Appends canonical entries as RFC 9162 leaves
// (incrementally, through the frontier), persists each batch in one durable transaction, and
// publishes checkpoints signed by the log's owner and cosigned by every witness (signer node).
import { formatCheckpoint, isValidOrigin } from './checkpoint.ts';
import type { Entry, EntryInput } from './entry.ts';
import { AuditError } from './errors.ts';
import { toHex } from './hash.ts';
import {
  consistencyProofRanges,
  Frontier,
  frontierNodes,
  inclusionProofRanges,
  type NewNode,
  resolveRanges,
} from './merkle.ts';
import { formatNote, type NoteSigner, SIG_ED25519 } from './note.ts';
import { prepareEntry } from './prepare-entry.ts';
import type { LogStore, StoredCheckpoint, StoredEntry } from './store/store.ts';
import { type WitnessClient, WitnessRefusedError } from './witness.ts';

export interface AuditLogParameters {
  store: LogStore;
  /** The log's identity, the checkpoint origin line (e.g. "cairn.example/audit/coordinator"). */
  origin: string;
  /** The log owner's note key (type 0x01) that signs checkpoints. */
  signer: NoteSigner;
  /** Witnesses that must cosign every checkpoint: the signer nodes. */
  witnesses?: readonly WitnessClient[];
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
}

export interface AppendResult {
  index: number;
  /** The entry's digest (hex leaf hash), for later entries' `prev`. */
  digest: string;
  entry: Entry;
}

export interface CheckpointResult {
  size: number;
  root: Uint8Array;
  /** The signed note with the owner's signature and every cosignature obtained. */
  note: string;
  cosigners: string[];
  refusals: { witness: string; code: string; message: string }[];
}

export class AuditLog {
  readonly origin: string;
  readonly #store: LogStore;
  readonly #signer: NoteSigner;
  readonly #witnesses: readonly WitnessClient[];
  readonly #now: () => number;
  #frontier: Frontier;
  #lastTimeMs: number;
  readonly #witnessSizes = new Map<string, number>();
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(p: AuditLogParameters, frontier: Frontier, lastTimeMs: number) {
    this.origin = p.origin;
    this.#store = p.store;
    this.#signer = p.signer;
    this.#witnesses = p.witnesses ?? [];
    this.#now = p.now ?? Date.now;
    this.#frontier = frontier;
    this.#lastTimeMs = lastTimeMs;
  }

  /** Opens a log over `store`, creating it if empty; the store's origin must match. */
  static async open(p: AuditLogParameters): Promise<AuditLog> {
    if (!isValidOrigin(p.origin))
      throw new AuditError('INVALID_ARGUMENT', `invalid log origin '${p.origin}'`);
    if (p.signer.type !== SIG_ED25519)
      throw new AuditError('MALFORMED_KEY', 'the log key must be type 0x01 (Ed25519)');
    const stored = await p.store.getMeta('origin');
    if (stored === null) await p.store.setMeta('origin', p.origin);
    else if (stored !== p.origin) {
      throw new AuditError('ORIGIN_MISMATCH', `store belongs to log '${stored}', not '${p.origin}'`);
    }
    const size = await p.store.size();
    const frontier = Frontier.fromHashes(size, await p.store.readNodes(frontierNodes(size)));
    return new AuditLog(p, frontier, (await p.store.lastTimeMs()) ?? 0);
  }

  get size(): number {
    return this.#frontier.size;
  }

  /** MTH of the whole log. */
  root(): Uint8Array {
    return this.#frontier.root();
  }

  append(input: EntryInput): Promise<AppendResult> {
    return this.appendBatch([input]).then((r) => r[0]!);
  }

  /**
   * Appends entries in one durable transaction: either all are stored, or none and the log is
   * unchanged. Entry times never go backwards; an omitted time is "now".
   */
  appendBatch(inputs: readonly EntryInput[]): Promise<AppendResult[]> {
    return this.#serial(() => this.#appendBatch(inputs));
  }

  async #appendBatch(inputs: readonly EntryInput[]): Promise<AppendResult[]> {
    // Times first, in order: an omitted time is "now", and times never go backwards.
    let lastTime = this.#lastTimeMs;
    const times: string[] = [];
    for (const input of inputs) {
      const time = input.time ?? new Date(Math.max(this.#now(), lastTime)).toISOString();
      const ms = Date.parse(time);
      if (ms < lastTime) {
        throw new AuditError(
          'NON_MONOTONIC_TIME',
          `entry time ${time} is before the previous entry's ${new Date(lastTime).toISOString()}`,
        );
      }
      if (!Number.isNaN(ms)) lastTime = ms; // a malformed time fails validation below
      times.push(time);
    }
    const prepared = inputs.map((input, i) => prepareEntry(input, times[i]!));
    const frontier = this.#frontier.clone();
    const rows: StoredEntry[] = [];
    const nodes: NewNode[] = [];
    const results: AppendResult[] = [];
    prepared.forEach((p, i) => {
      const index = frontier.size;
      frontier.append(p.leaf, nodes);
      rows.push({ index, timeMs: Date.parse(times[i]!), kind: inputs[i]!.kind, body: p.body, leaf: p.leaf });
      results.push({ index, digest: toHex(p.leaf), entry: p.entry });
    });
    await this.#store.append(rows, nodes);
    this.#frontier = frontier;
    this.#lastTimeMs = lastTime;
    return results;
  }

  /** RFC 9162 inclusion proof for leaf `index` in the tree of `size` leaves (default: current). */
  async inclusionProof(index: number, size = this.size): Promise<Uint8Array[]> {
    this.#checkSize(size);
    return resolveRanges(inclusionProofRanges(index, size), (ids) => this.#store.readNodes(ids));
  }

  /** RFC 9162 consistency proof between tree sizes `first` and `second` (default: current). */
  async consistencyProof(first: number, second = this.size): Promise<Uint8Array[]> {
    this.#checkSize(second);
    return resolveRanges(consistencyProofRanges(first, second), (ids) => this.#store.readNodes(ids));
  }

  /** MTH of the first `size` leaves. */
  async rootAt(size: number): Promise<Uint8Array> {
    this.#checkSize(size);
    return Frontier.fromHashes(size, await this.#store.readNodes(frontierNodes(size))).root();
  }

  /**
   * Signs a checkpoint of the current tree and asks every witness to cosign it. Witnesses that
   * refuse are listed in `refusals`; the checkpoint is stored with the cosignatures obtained.
   */
  checkpoint(): Promise<CheckpointResult> {
    return this.#serial(() => this.#checkpoint());
  }

  async #checkpoint(): Promise<CheckpointResult> {
    const size = this.size;
    const root = this.root();
    const text = formatCheckpoint({ origin: this.origin, size, root, extensions: [] });
    const ownerLine = this.#signer.signatureLine(text);
    const signed = formatNote(text, [ownerLine]);
    const outcomes = await Promise.all(this.#witnesses.map((w) => this.#cosign(w, signed, size)));
    const cosigners: string[] = [];
    const lines: string[] = [];
    const refusals: CheckpointResult['refusals'] = [];
    outcomes.forEach((o, i) => {
      const witness = this.#witnesses[i]!.name;
      if (typeof o === 'string') {
        cosigners.push(witness);
        lines.push(o);
      } else refusals.push({ witness, code: o.code, message: o.message });
    });
    const note = formatNote(text, [ownerLine, ...lines]);
    await this.#store.putCheckpoint({ size, timeMs: this.#now(), note });
    return { size, root, note, cosigners, refusals };
  }

  async #cosign(w: WitnessClient, signed: string, size: number): Promise<string | AuditError> {
    let oldSize = Math.min(this.#witnessSizes.get(w.name) ?? 0, size);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const proof = await this.consistencyProof(oldSize, size);
        const line = await w.addCheckpoint({ oldSize, consistencyProof: proof, checkpoint: signed });
        this.#witnessSizes.set(w.name, size);
        return line;
      } catch (error) {
        // tlog-witness: the witness tells us the size it knows; prove from there and retry once.
        if (
          error instanceof WitnessRefusedError &&
          error.code === 'OLD_SIZE_MISMATCH' &&
          error.witnessSize !== null &&
          error.witnessSize <= size &&
          attempt === 0
        ) {
          oldSize = error.witnessSize;
          continue;
        }
        if (error instanceof AuditError) return error;
        return new AuditError('STORAGE', `witness ${w.name} unreachable: ${(error as Error).message}`);
      }
    }
    return new AuditError('OLD_SIZE_MISMATCH', `witness ${w.name} did not accept the retried size`);
  }

  latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.#store.latestCheckpoint();
  }

  get store(): LogStore {
    return this.#store;
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new AuditError('INVALID_ARGUMENT', `tree size ${size} is not in [0, ${this.size}]`);
    }
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
