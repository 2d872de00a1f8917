// Governance (§5): the governed state changes only through a Change signed by the admin quorum
// defined in the state it changes. Changes name their base version and hash (so they apply to
// exactly one state), take effect at a signed activation instant, and the new state links to
// the old one by hash. Requests are evaluated under the state active at their submission time.
import { z } from 'zod';
import { digestBytes, HEX64 } from './digest.ts';
import { Id, PolicyDocument } from './document.ts';
import { invalidInput, PolicyError } from './errors.ts';
import { signatureProblem, StatementSignature } from './signature.ts';
import {
  AddressBookEntry,
  type GovernedState,
  GovernedState as GovernedStateSchema,
  Group,
  STATE_FORMAT,
  stateHash,
  stateProblems,
  User,
} from './state.ts';

export const CHANGE_FORMAT = 'cairn.change/v1';
export const GENESIS_FORMAT = 'cairn.genesis/v1';

export const ChangeOp = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('set_policy'), policy: PolicyDocument }),
  z.strictObject({ op: z.literal('upsert_address'), entry: AddressBookEntry }),
  z.strictObject({ op: z.literal('remove_address'), id: Id }),
  z.strictObject({ op: z.literal('upsert_user'), user: User }),
  z.strictObject({ op: z.literal('remove_user'), id: Id }),
  z.strictObject({ op: z.literal('upsert_group'), group: Group }),
  z.strictObject({ op: z.literal('remove_group'), id: Id }),
  z.strictObject({ op: z.literal('set_admin_quorum'), threshold: z.int().min(1).max(100) }),
]);
export type ChangeOp = z.infer<typeof ChangeOp>;

export const Change = z.strictObject({
  format: z.literal(CHANGE_FORMAT),
  baseVersion: z.int().min(1),
  baseHash: z.string().regex(HEX64),
  /** Requests submitted at or after this instant (ms) are evaluated under the new state. */
  activatesAt: z.int().min(0),
  proposedBy: Id,
  proposedAt: z.int().min(0),
  /** Signatures collected after this instant do not count; the change cannot be applied after it. */
  expiresAt: z.int().min(0),
  description: z.string().max(2000).optional(),
  ops: z.array(ChangeOp).min(1).max(1000),
});
export type Change = z.infer<typeof Change>;

export const AdminSignature = z.strictObject({ adminId: Id, keyId: Id, signature: StatementSignature });
export type AdminSignature = z.infer<typeof AdminSignature>;

export const SignedChange = z.strictObject({ change: Change, signatures: z.array(AdminSignature).max(100) });
export type SignedChange = z.infer<typeof SignedChange>;

export const SignedGenesis = z.strictObject({
  state: GovernedStateSchema,
  signatures: z.array(AdminSignature).max(100),
});
export type SignedGenesis = z.infer<typeof SignedGenesis>;

/** The bytes admins sign for a change. */
export function changeDigest(change: Change): Uint8Array {
  return digestBytes(CHANGE_FORMAT, change);
}

/** The bytes the initial admins sign for the genesis state. */
export function genesisDigest(state: GovernedState): Uint8Array {
  return digestBytes(GENESIS_FORMAT, state);
}

/**
 * Counts valid signatures of distinct admins of `state` over `digest`. Invalid signatures,
 * non-admins and duplicates do not count; their reasons are returned for the error message.
 */
export function countAdminSignatures(
  state: Pick<GovernedState, 'users'>,
  digest: Uint8Array,
  signatures: readonly AdminSignature[],
): { admins: string[]; problems: string[] } {
  const admins = new Set<string>();
  const problems: string[] = [];
  for (const s of signatures) {
    const user = state.users.find((u) => u.id === s.adminId);
    if (!user?.roles.includes('admin')) {
      problems.push(`${s.adminId} is not an admin`);
      continue;
    }
    const key = user.keys.find((k) => k.id === s.keyId);
    if (!key) {
      problems.push(`${s.adminId} has no key ${s.keyId}`);
      continue;
    }
    const problem = signatureProblem(digest, s.signature, key);
    if (problem) {
      problems.push(`${s.adminId}: ${problem}`);
      continue;
    }
    admins.add(s.adminId);
  }
  return { admins: [...admins].sort(), problems };
}

/** Verifies a genesis state: consistent, version 1, no predecessor, signed by its own admin quorum. */
export function verifyGenesis(value: unknown): GovernedState {
  const parsed = SignedGenesis.safeParse(value);
  if (!parsed.success) throw invalidInput('INVALID_STATE', 'genesis', parsed.error.issues);
  const { state, signatures } = parsed.data;
  if (state.version !== 1 || state.previousHash !== null) {
    throw new PolicyError('INVALID_STATE', 'a genesis state has version 1 and previousHash null');
  }
  const problems = stateProblems(state);
  if (problems.length)
    throw new PolicyError('INVALID_STATE', `inconsistent genesis state:\n  ${problems.join('\n  ')}`, {
      details: problems,
    });
  const { admins, problems: sigProblems } = countAdminSignatures(state, genesisDigest(state), signatures);
  if (admins.length < state.adminQuorum.threshold) {
    throw new PolicyError(
      'INSUFFICIENT_SIGNATURES',
      `genesis signed by ${admins.length} admin(s), the quorum is ${state.adminQuorum.threshold}${sigProblems.length ? ` (${sigProblems.join('; ')})` : ''}`,
      { details: sigProblems },
    );
  }
  return state;
}

export interface ApplyChangeParameters {
  state: GovernedState;
  /** Untrusted: validated here. */
  signed: unknown;
  /** The applying node's clock (ms). */
  now: number;
  /**
   * How far in the past activatesAt may be when the change is applied (default 5 minutes): a
   * change must not retroactively re-decide requests a node has already evaluated.
   */
  maxBackdateMs?: number;
  /** Verify a historical chain (audit, catch-up): skip the checks that depend on `now`. */
  replay?: boolean;
}

/**
 * Applies a signed change to `state`, returning the next state. Throws PolicyError:
 * INVALID_CHANGE (malformed or inapplicable ops), BASE_MISMATCH (other base version/hash),
 * INSUFFICIENT_SIGNATURES (fewer valid admin signatures than the quorum of `state`; this is
 * also what a tampered change produces), ACTIVATION_INVALID, INVALID_STATE (the result would be
 * inconsistent, e.g. an approval group that no longer exists).
 */
export function applyChange(p: ApplyChangeParameters): GovernedState {
  const parsed = SignedChange.safeParse(p.signed);
  if (!parsed.success) throw invalidInput('INVALID_CHANGE', 'change', parsed.error.issues);
  const { change, signatures } = parsed.data;
  const base = p.state;
  const baseHash = stateHash(base);
  if (change.baseVersion !== base.version || change.baseHash !== baseHash) {
    throw new PolicyError(
      'BASE_MISMATCH',
      `the change is based on version ${change.baseVersion} (${change.baseHash.slice(0, 12)}…), the current state is version ${base.version} (${baseHash.slice(0, 12)}…)`,
    );
  }
  const { admins, problems } = countAdminSignatures(base, changeDigest(change), signatures);
  if (admins.length < base.adminQuorum.threshold) {
    throw new PolicyError(
      'INSUFFICIENT_SIGNATURES',
      `the change is signed by ${admins.length} admin(s) [${admins.join(', ')}], the admin quorum is ${base.adminQuorum.threshold}${problems.length ? ` (ignored: ${problems.join('; ')})` : ''}`,
      { details: problems },
    );
  }
  if (change.activatesAt <= base.activatedAt) {
    throw new PolicyError('ACTIVATION_INVALID', 'the change must activate after the state it changes');
  }
  if (!p.replay) {
    if (p.now > change.expiresAt)
      throw new PolicyError('ACTIVATION_INVALID', 'the change proposal has expired');
    if (change.activatesAt < p.now - (p.maxBackdateMs ?? 300_000)) {
      throw new PolicyError('ACTIVATION_INVALID', 'the change would activate in the past (retroactively)');
    }
  }
  const next: GovernedState = {
    ...structuredClone(base),
    format: STATE_FORMAT,
    version: base.version + 1,
    previousHash: baseHash,
    activatedAt: change.activatesAt,
  };
  for (const op of change.ops) applyOp(next, op, base);
  const stateIssues = stateProblems(next);
  if (stateIssues.length) {
    throw new PolicyError(
      'INVALID_STATE',
      `the change would make the state inconsistent:\n  ${stateIssues.join('\n  ')}`,
      {
        details: stateIssues,
      },
    );
  }
  return next;
}

function upsert<T extends { id: string }>(list: T[], item: T): void {
  const i = list.findIndex((x) => x.id === item.id);
  if (i >= 0) list[i] = item;
  else list.push(item);
}

function remove<T extends { id: string }>(list: T[], id: string, what: string): void {
  const i = list.findIndex((x) => x.id === id);
  if (i < 0) throw new PolicyError('INVALID_CHANGE', `cannot remove unknown ${what} "${id}"`);
  list.splice(i, 1);
}

function applyOp(s: GovernedState, op: ChangeOp, base: GovernedState): void {
  switch (op.op) {
    case 'set_policy':
      if (op.policy.version <= base.policy.version) {
        throw new PolicyError(
          'INVALID_CHANGE',
          `policy version ${op.policy.version} must be greater than the current ${base.policy.version}`,
        );
      }
      s.policy = op.policy;
      return;
    case 'upsert_address':
      upsert(s.addressBook, op.entry);
      return;
    case 'remove_address':
      remove(s.addressBook, op.id, 'address-book entry');
      return;
    case 'upsert_user':
      upsert(s.users, op.user);
      return;
    case 'remove_user':
      remove(s.users, op.id, 'user');
      for (const g of s.groups) g.members = g.members.filter((m) => m !== op.id);
      return;
    case 'upsert_group':
      upsert(s.groups, op.group);
      return;
    case 'remove_group':
      remove(s.groups, op.id, 'group');
      return;
    case 'set_admin_quorum':
      s.adminQuorum = { threshold: op.threshold };
      return;
  }
}

/** The chain of states a node has accepted, and which one applies at a given instant. */
export class GovernanceHistory {
  readonly #states: GovernedState[];
  readonly #hashes: string[];

  /** Starts from a verified genesis (see verifyGenesis). */
  constructor(genesis: GovernedState) {
    this.#states = [genesis];
    this.#hashes = [stateHash(genesis)];
  }

  get head(): GovernedState {
    return this.#states[this.#states.length - 1]!;
  }

  get headHash(): string {
    return this.#hashes[this.#hashes.length - 1]!;
  }

  states(): readonly GovernedState[] {
    return this.#states;
  }

  /** Applies a signed change to the head (see applyChange) and returns the new head. */
  apply(
    signed: unknown,
    now: number,
    options: { replay?: boolean; maxBackdateMs?: number } = {},
  ): GovernedState {
    const next = applyChange({ state: this.head, signed, now, ...options });
    this.#states.push(next);
    this.#hashes.push(stateHash(next));
    return next;
  }

  /** The state under which a request submitted at `t` is evaluated; null before genesis activates. */
  activeAt(t: number): GovernedState | null {
    for (let i = this.#states.length - 1; i >= 0; i--) {
      if (this.#states[i]!.activatedAt <= t) return this.#states[i]!;
    }
    return null;
  }

  /** The state with this hash, if this node has accepted it. */
  byHash(hash: string): GovernedState | null {
    const i = this.#hashes.indexOf(hash);
    return i < 0 ? null : this.#states[i]!;
  }
}
