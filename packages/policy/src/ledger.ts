// The velocity ledger (docs/policy.md §4.9): what each signer node has already signed, indexed
// so that a window sum is O(log n). Every node keeps its own ledger (ARCHITECTURE §2, rule 3).
//
// Window semantics: a window of w seconds evaluated at `now` covers entries with
// now - w·1000 < at <= now (ms). An entry exactly w seconds old is outside; an entry stamped
// after `now` is outside. Entries are stamped with their request's submission time, so every
// node that signed the same requests computes the same totals.
import { PolicyError } from './errors.ts';

export type VelocityScope = 'vault' | 'initiator' | 'destination';

export interface LedgerEntry {
  requestId: string;
  /** The request's submission time (ms since epoch). */
  at: number;
  vaultId: string;
  initiator: string;
  /** destinationKey(chain, address), or null when the request had no destination. */
  destination: string | null;
  /** assetKey(chain, asset id), or null when no asset moved. */
  asset: string | null;
  /** Native units of `asset`. */
  amount: bigint;
  /** USD value at submission in micro-dollars, or null when no fresh price was available. */
  usdMicros: bigint | null;
}

export interface WindowQuery {
  scope: VelocityScope;
  /** The vault id, the initiator id, or the destination key. */
  key: string;
  /** Restrict to one asset (needed for native amount sums). */
  asset?: string;
  /** Exclusive lower bound (ms). */
  after: number;
  /** Inclusive upper bound (ms). */
  upTo: number;
  /** Leave this request out (the request being evaluated, if it was already recorded). */
  excludeRequestId?: string;
}

export interface WindowTotals {
  count: number;
  amount: bigint;
  usdMicros: bigint;
  /** Entries without a USD value: a USD sum over them is unknown. */
  unpriced: number;
}

/** Read access the evaluator needs. */
export interface VelocityLedger {
  totals(query: WindowQuery): WindowTotals;
}

/** Normalizes an address for comparisons: EVM hex addresses are case-insensitive. */
export function normalizeAddress(address: string): string {
  return /^0x[0-9a-fA-F]+$/.test(address) ? address.toLowerCase() : address;
}

export function destinationKey(chain: string, address: string): string {
  return `${chain}|${normalizeAddress(address)}`;
}

export function assetKey(chain: string, assetId: string): string {
  return `${chain}|${assetId}`;
}

class Series {
  entries: LedgerEntry[] = [];
  times: number[] = [];
  cumAmount: bigint[] = [0n];
  cumUsd: bigint[] = [0n];
  cumUnpriced: number[] = [0];
  dirty = false;

  add(e: LedgerEntry): void {
    const n = this.times.length;
    if (!this.dirty && (n === 0 || this.times[n - 1]! <= e.at)) {
      this.entries.push(e);
      this.times.push(e.at);
      this.cumAmount.push(this.cumAmount[n]! + e.amount);
      this.cumUsd.push(this.cumUsd[n]! + (e.usdMicros ?? 0n));
      this.cumUnpriced.push(this.cumUnpriced[n]! + (e.usdMicros === null ? 1 : 0));
    } else {
      this.entries.push(e);
      this.dirty = true;
    }
  }

  rebuild(): void {
    this.entries.sort((a, b) => a.at - b.at || (a.requestId < b.requestId ? -1 : 1));
    const entries = this.entries;
    this.entries = [];
    this.times = [];
    this.cumAmount = [0n];
    this.cumUsd = [0n];
    this.cumUnpriced = [0];
    this.dirty = false;
    for (const e of entries) this.add(e);
  }

  /** First index whose time is > t. */
  upper(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const EMPTY: WindowTotals = Object.freeze({ count: 0, amount: 0n, usdMicros: 0n, unpriced: 0 });

function seriesKey(scope: VelocityScope, key: string, asset?: string): string {
  return asset === undefined ? `${scope}\u0000${key}` : `${scope}\u0000${key}\u0000${asset}`;
}

function scopeKeyOf(e: LedgerEntry, scope: VelocityScope): string | null {
  return scope === 'vault' ? e.vaultId : scope === 'initiator' ? e.initiator : e.destination;
}

/** In-memory ledger with sorted per-key series and prefix sums: O(log n) window totals. */
export class MemoryLedger implements VelocityLedger {
  readonly #series = new Map<string, Series>();
  readonly #byId = new Map<string, LedgerEntry>();

  constructor(entries: Iterable<LedgerEntry> = []) {
    for (const e of entries) this.record(e);
  }

  get size(): number {
    return this.#byId.size;
  }

  has(requestId: string): boolean {
    return this.#byId.has(requestId);
  }

  get(requestId: string): LedgerEntry | undefined {
    return this.#byId.get(requestId);
  }

  /** All entries (in insertion order). */
  entries(): LedgerEntry[] {
    return [...this.#byId.values()];
  }

  /**
   * Adds an entry. Recording the same request twice is a no-op if the entry is identical and
   * an error otherwise (a ledger never silently rewrites history).
   */
  record(entry: LedgerEntry): void {
    const existing = this.#byId.get(entry.requestId);
    if (existing) {
      if (!sameEntry(existing, entry)) {
        throw new PolicyError(
          'INVALID_REQUEST',
          `ledger already holds a different entry for ${entry.requestId}`,
        );
      }
      return;
    }
    if (!Number.isSafeInteger(entry.at) || entry.amount < 0n) {
      throw new PolicyError('INVALID_REQUEST', `invalid ledger entry for ${entry.requestId}`);
    }
    const e = Object.freeze({ ...entry });
    this.#byId.set(e.requestId, e);
    for (const scope of ['vault', 'initiator', 'destination'] as const) {
      const key = scopeKeyOf(e, scope);
      if (key === null) continue;
      this.#seriesFor(seriesKey(scope, key)).add(e);
      if (e.asset !== null) this.#seriesFor(seriesKey(scope, key, e.asset)).add(e);
    }
  }

  #seriesFor(k: string): Series {
    let s = this.#series.get(k);
    if (!s) {
      s = new Series();
      this.#series.set(k, s);
    }
    return s;
  }

  totals(q: WindowQuery): WindowTotals {
    const s = this.#series.get(seriesKey(q.scope, q.key, q.asset));
    if (!s || q.upTo <= q.after) return EMPTY;
    if (s.dirty) s.rebuild();
    const lo = s.upper(q.after);
    const hi = s.upper(q.upTo);
    if (hi <= lo) return EMPTY;
    let count = hi - lo;
    let amount = s.cumAmount[hi]! - s.cumAmount[lo]!;
    let usdMicros = s.cumUsd[hi]! - s.cumUsd[lo]!;
    let unpriced = s.cumUnpriced[hi]! - s.cumUnpriced[lo]!;
    if (q.excludeRequestId !== undefined) {
      const e = this.#byId.get(q.excludeRequestId);
      if (
        e &&
        e.at > q.after &&
        e.at <= q.upTo &&
        scopeKeyOf(e, q.scope) === q.key &&
        (q.asset === undefined || e.asset === q.asset)
      ) {
        count -= 1;
        amount -= e.amount;
        usdMicros -= e.usdMicros ?? 0n;
        unpriced -= e.usdMicros === null ? 1 : 0;
      }
    }
    return { count, amount, usdMicros, unpriced };
  }
}

/** Whether two entries are identical (recording the same signed request twice). */
export function sameEntry(a: LedgerEntry, b: LedgerEntry): boolean {
  return (
    a.at === b.at &&
    a.vaultId === b.vaultId &&
    a.initiator === b.initiator &&
    a.destination === b.destination &&
    a.asset === b.asset &&
    a.amount === b.amount &&
    a.usdMicros === b.usdMicros
  );
}
