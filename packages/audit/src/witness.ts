// A witness: a signer node cosigning the log's checkpoints (C2SP tlog-cosignature, in the spirit
// of the C2SP tlog-witness protocol). It keeps, in its own storage, the last tree head it
// cosigned for each log, and cosigns a new checkpoint only when the log proves the new tree
// extends that one (RFC 9162 consistency proof). So a log that shows two different trees of the
// same size (a split view) can never collect a full set of cosignatures: every witness has
// cosigned at most one of them, and refuses the other. Every verdict, cosigned or refused, goes
// to the witness's own record.
import { parseCheckpoint } from './checkpoint.ts';
import { AuditError, type AuditErrorCode } from './errors.ts';
import { EMPTY_ROOT, equalHash, toHex } from './hash.ts';
import { verifyConsistency } from './merkle.ts';
import {
  cosign,
  type NoteSigner,
  type NoteVerifierKey,
  openNote,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
} from './note.ts';
import type { WitnessState, WitnessStore } from './store/store.ts';

/** What a log sends a witness: its signed checkpoint and a proof from the witness's last size. */
export interface AddCheckpointRequest {
  /** The tree size the log believes the witness last cosigned (0 for a new witness). */
  oldSize: number;
  /** RFC 9162 consistency proof from oldSize to the checkpoint's size. */
  consistencyProof: readonly Uint8Array[];
  /** The checkpoint as a signed note, signed at least by the log's key. */
  checkpoint: string;
}

/** How a log reaches a witness: in-process, or over the node transport. */
export interface WitnessClient {
  /** The witness's key name, as it appears in cosignature lines. */
  readonly name: string;
  /** Returns the cosignature line, or throws WitnessRefusedError. */
  addCheckpoint(request: AddCheckpointRequest): Promise<string>;
}

/** A witness declined to cosign. `witnessSize` tells the log which size to prove from. */
export class WitnessRefusedError extends AuditError {
  readonly witness: string;
  readonly witnessSize: number | null;
  constructor(witness: string, code: AuditErrorCode, message: string, witnessSize: number | null = null) {
    super(code, `witness ${witness} refused: ${message}`);
    this.name = 'WitnessRefusedError';
    this.witness = witness;
    this.witnessSize = witnessSize;
  }
}

export interface WitnessLogConfig {
  origin: string;
  /** The log owner's note key (type 0x01). */
  key: NoteVerifierKey;
}

export interface WitnessParameters {
  /** The witness's cosigning key (type 0x04). */
  signer: NoteSigner;
  /** The logs this witness follows. */
  logs: readonly WitnessLogConfig[];
  store: WitnessStore;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
}

export class Witness implements WitnessClient {
  readonly #signer: NoteSigner;
  readonly #logs: Map<string, NoteVerifierKey>;
  readonly #store: WitnessStore;
  readonly #now: () => number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(p: WitnessParameters) {
    if (p.signer.type !== SIG_COSIGNATURE_V1) {
      throw new AuditError('MALFORMED_KEY', 'a witness signs with a cosignature/v1 (type 0x04) key');
    }
    for (const l of p.logs) {
      if (l.key.type !== SIG_ED25519)
        throw new AuditError('MALFORMED_KEY', `log key for ${l.origin} must be type 0x01`);
    }
    this.#signer = p.signer;
    this.#logs = new Map(p.logs.map((l) => [l.origin, l.key]));
    this.#store = p.store;
    this.#now = p.now ?? Date.now;
  }

  get name(): string {
    return this.#signer.name;
  }

  /** The verifier key auditors put in their keys file. */
  get verifierKey(): string {
    return this.#signer.verifierKey;
  }

  /** The last tree head this witness cosigned for `origin`. */
  state(origin: string): Promise<WitnessState | null> {
    return this.#store.state(origin);
  }

  /** Verifies and cosigns a checkpoint; one request at a time so the state check cannot race. */
  addCheckpoint(request: AddCheckpointRequest): Promise<string> {
    const run = this.#queue.then(() => this.#add(request));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #add(req: AddCheckpointRequest): Promise<string> {
    const refuse = async (
      code: AuditErrorCode,
      message: string,
      origin: string,
      size: number,
      root: Uint8Array,
      witnessSize: number | null = null,
    ): Promise<never> => {
      // OLD_SIZE_MISMATCH is negotiation (the log retries from our size), not a verdict.
      if (this.#logs.has(origin) && code !== 'OLD_SIZE_MISMATCH') {
        await this.#store.record(
          {
            timeMs: this.#now(),
            origin,
            oldSize: Number.isSafeInteger(req.oldSize) ? req.oldSize : -1,
            size,
            root,
            verdict: 'refused',
            code,
            detail: message,
            cosignature: null,
          },
          null,
        );
      }
      throw new WitnessRefusedError(this.name, code, message, witnessSize);
    };

    if (
      typeof req !== 'object' ||
      req === null ||
      typeof req.checkpoint !== 'string' ||
      !Array.isArray(req.consistencyProof) ||
      !req.consistencyProof.every((h) => h instanceof Uint8Array && h.length === 32)
    ) {
      throw new WitnessRefusedError(this.name, 'MALFORMED_CHECKPOINT', 'malformed add-checkpoint request');
    }
    let opened: ReturnType<typeof openNote>;
    let cp: ReturnType<typeof parseCheckpoint>;
    try {
      const text = req.checkpoint.slice(0, req.checkpoint.lastIndexOf('\n\n') + 1);
      cp = parseCheckpoint(text);
    } catch (error) {
      throw new WitnessRefusedError(this.name, 'MALFORMED_CHECKPOINT', (error as Error).message);
    }
    const logKey = this.#logs.get(cp.origin);
    if (!logKey) throw new WitnessRefusedError(this.name, 'UNKNOWN_KEY', `unknown log origin '${cp.origin}'`);
    try {
      opened = openNote(req.checkpoint, [logKey]);
    } catch (error) {
      return refuse('INVALID_SIGNATURE', (error as Error).message, cp.origin, cp.size, cp.root);
    }
    if (!opened.verified.some((v) => v.name === logKey.name)) {
      return refuse(
        'INVALID_SIGNATURE',
        'checkpoint is not signed by the log key',
        cp.origin,
        cp.size,
        cp.root,
      );
    }

    const state = await this.#store.state(cp.origin);
    const mySize = state?.size ?? 0;
    const myRoot = state?.root ?? EMPTY_ROOT;
    if (!Number.isSafeInteger(req.oldSize) || req.oldSize !== mySize) {
      return refuse(
        'OLD_SIZE_MISMATCH',
        `request proves from size ${req.oldSize} but the witness last cosigned size ${mySize}`,
        cp.origin,
        cp.size,
        cp.root,
        mySize,
      );
    }
    if (cp.size < mySize) {
      return refuse(
        'STALE_CHECKPOINT',
        `size ${cp.size} is older than cosigned size ${mySize}`,
        cp.origin,
        cp.size,
        cp.root,
        mySize,
      );
    }
    if (cp.size === mySize && !equalHash(cp.root, myRoot)) {
      return refuse(
        'SPLIT_VIEW',
        `size ${cp.size} with root ${toHex(cp.root)} differs from the cosigned root ${toHex(myRoot)} of the same size`,
        cp.origin,
        cp.size,
        cp.root,
        mySize,
      );
    }
    const consistent = verifyConsistency({
      firstSize: mySize,
      secondSize: cp.size,
      firstRoot: myRoot,
      secondRoot: cp.root,
      proof: req.consistencyProof,
    });
    if (!consistent) {
      return refuse(
        'INCONSISTENT',
        `tree of size ${cp.size} is not an extension of the cosigned tree of size ${mySize}`,
        cp.origin,
        cp.size,
        cp.root,
        mySize,
      );
    }
    const nowMs = this.#now();
    const line = cosign(this.#signer, opened.text, BigInt(Math.floor(nowMs / 1000)));
    const stored = await this.#store.record(
      {
        timeMs: nowMs,
        origin: cp.origin,
        oldSize: mySize,
        size: cp.size,
        root: cp.root,
        verdict: 'cosigned',
        code: null,
        detail: `verified consistency ${mySize} -> ${cp.size}`,
        cosignature: line,
      },
      state,
    );
    if (!stored) {
      throw new WitnessRefusedError(
        this.name,
        'OLD_SIZE_MISMATCH',
        'witness state changed concurrently',
        null,
      );
    }
    return line;
  }
}
