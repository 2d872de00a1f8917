// Which policy version a recorded decision was made under (docs/audit.md, "Replay").
//
// A request is evaluated under the policy version in force at its evaluation instant (for the
// coordinator: the initiator-signed submission time, rounded down to the second), not under the
// version that happens to be last in the log when the decision is written. A decision submitted
// just before an activation and decided after the `policy.changed` entry is logged legitimately
// names the previous version. So the version is found by the hash the decision names, and then
// checked against time: it must be logged before the decision, already in force at the
// decision's instant (`inputs.now`), and not superseded by then.
//
// When a version takes effect: a `cairn.governed-state/v1` document carries its signed
// `activatedAt` (ms); any other document takes effect when its entry is logged (its `time`).
import type { JsonValue } from './canonical.ts';
import type { EntryOf } from './entry.ts';

export type PolicyEntry = EntryOf<'policy.changed'>;
type DecisionEntry = EntryOf<'policy.decided'>;

const GOVERNED_STATE_FORMAT = 'cairn.governed-state/v1';

interface PolicyVersion {
  entry: PolicyEntry;
  /** Log index of the `policy.changed` entry. */
  index: number;
  /** Signed activation instant (ms) of a governed state, or null when the document has none. */
  activatedAt: number | null;
  /** When the version takes effect: `activatedAt`, else the entry's log time. */
  effectiveAt: number;
}

/** The outcome of resolving a decision's named policy. */
export type PolicyResolution =
  | { kind: 'found'; policy: PolicyEntry }
  /** No `policy.changed` entry before the decision has the named id and hash. */
  | { kind: 'unknown'; message: string }
  /** The named version exists but was not the one in force at the decision's instant. */
  | { kind: 'mismatch'; message: string };

/** The activation instant a governed-state document signs, or null for other documents. */
export function signedActivation(document: JsonValue): number | null {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return null;
  if (document.format !== GOVERNED_STATE_FORMAT) return null;
  const at = document.activatedAt;
  return typeof at === 'number' && Number.isSafeInteger(at) && at >= 0 ? at : null;
}

const short = (hash: string) => `${hash.slice(0, 12)}…`;
const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

/** The `policy.changed` entries seen so far in log order, per policy id and by hash. */
export class PolicyHistory {
  readonly #byId = new Map<string, PolicyVersion[]>();

  /** Records a `policy.changed` entry (call in log order). */
  record(entry: PolicyEntry, index: number): void {
    const activatedAt = signedActivation(entry.data.document);
    const version: PolicyVersion = {
      entry,
      index,
      activatedAt,
      effectiveAt: activatedAt ?? Date.parse(entry.time),
    };
    const list = this.#byId.get(entry.data.policyId);
    if (list) list.push(version);
    else this.#byId.set(entry.data.policyId, [version]);
  }

  /** Whether any version of this policy id has been recorded. */
  has(policyId: string): boolean {
    return this.#byId.has(policyId);
  }

  /**
   * The version a decision was made under: the latest recorded entry with the named id and hash,
   * checked against the decision's instant `now` (ms; `inputs.now`). With no instant (NaN), the
   * version must be the latest logged one (log order).
   */
  resolve(decision: DecisionEntry, now: number): PolicyResolution {
    const named = decision.data.policy;
    const list = this.#byId.get(named.id) ?? [];
    const at = list.findLastIndex((v) => v.entry.data.hash === named.hash);
    const cited = `policy '${named.id}' version ${named.version} (${short(named.hash)})`;
    if (at < 0) {
      return {
        kind: 'unknown',
        message: `decided under ${cited}, but no policy.changed entry before this decision records that hash`,
      };
    }
    const version = list[at]!;
    const data = version.entry.data;
    if (data.version !== named.version) {
      return {
        kind: 'mismatch',
        message: `decided under ${cited}, but the log records hash ${short(named.hash)} as version ${data.version} (entry ${version.index})`,
      };
    }
    if (Number.isNaN(now)) {
      const latest = list[list.length - 1]!;
      if (latest !== version) {
        return {
          kind: 'mismatch',
          message: `decided under ${cited} with no evaluation instant, but version ${latest.entry.data.version} (${short(latest.entry.data.hash)}) was logged after it (entry ${latest.index})`,
        };
      }
      return { kind: 'found', policy: version.entry };
    }
    if (version.activatedAt !== null && version.activatedAt > now) {
      return {
        kind: 'mismatch',
        message: `decided under ${cited} at ${iso(now)}, but that version activates at ${iso(version.activatedAt)}`,
      };
    }
    // Superseded: a later version of the same policy already in force at the decision's instant.
    for (let i = list.length - 1; i > at; i--) {
      const later = list[i]!;
      if (later.effectiveAt <= now) {
        return {
          kind: 'mismatch',
          message: `decided under ${cited} at ${iso(now)}, but version ${later.entry.data.version} (${short(later.entry.data.hash)}, entry ${later.index}) was in force from ${iso(later.effectiveAt)}`,
        };
      }
    }
    return { kind: 'found', policy: version.entry };
  }
}
