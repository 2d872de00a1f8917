// The governed state (docs/policy.md §5): everything that changes the meaning of a decision —
// the policy document, the address book (whitelist), users with their roles and approval keys,
// groups, and the admin quorum that governs all of it. Its hash is the "policy hash" that
// decisions, approvals and sign jobs bind.
import { z } from 'zod';
import { digestHex, HEX64 } from './digest.ts';
import { ChainId, Id, PolicyDocument } from './document.ts';
import { invalidInput, PolicyError } from './errors.ts';

export const STATE_FORMAT = 'cairn.governed-state/v1';

const Hex = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9a-f]*$/, 'lowercase hex')
    .refine((s) => s.length % 2 === 0 && s.length >= min * 2 && s.length <= max * 2, {
      message: `hex of ${min === max ? min : `${min}-${max}`} bytes`,
    });

/** An approver's key: an Ed25519 API key, or a WebAuthn passkey credential (ES256 or EdDSA). */
export const ApproverKey = z.discriminatedUnion('type', [
  z.strictObject({ id: Id, type: z.literal('ed25519'), publicKey: Hex(32, 32) }),
  z.strictObject({
    id: Id,
    type: z.literal('webauthn'),
    /** COSE algorithm: ES256 (-7, P-256 SEC1 public key) or EdDSA (-8, Ed25519 public key). */
    alg: z.enum(['ES256', 'EdDSA']),
    publicKey: Hex(32, 65),
    /** Base64url credential id, as the authenticator reports it (informational). */
    credentialId: z.string().max(1024).optional(),
    rpId: z.string().min(1).max(253),
    origins: z.array(z.url()).min(1),
    /** Require the UV flag (default true). */
    requireUserVerification: z.boolean().optional(),
  }),
]);
export type ApproverKey = z.infer<typeof ApproverKey>;

export const Role = z.enum(['admin', 'initiator', 'approver', 'viewer']);
export type Role = z.infer<typeof Role>;

export const User = z.strictObject({
  id: Id,
  name: z.string().max(200).optional(),
  roles: z.array(Role),
  keys: z.array(ApproverKey).max(20),
});
export type User = z.infer<typeof User>;

export const Group = z.strictObject({ id: Id, name: z.string().max(200).optional(), members: z.array(Id) });
export type Group = z.infer<typeof Group>;

/** A whitelisted destination. Destinations not in the address book are "one-time". */
export const AddressBookEntry = z.strictObject({
  id: Id,
  chain: ChainId,
  address: z.string().min(1).max(200),
  label: z.string().max(200).optional(),
  groups: z.array(Id),
});
export type AddressBookEntry = z.infer<typeof AddressBookEntry>;

/** The parts of the state the evaluator reads besides the policy document. */
export interface PolicyContext {
  addressBook: readonly AddressBookEntry[];
  users: readonly User[];
  groups: readonly Group[];
}

export const PolicyContextSchema = z.strictObject({
  addressBook: z.array(AddressBookEntry).default([]),
  users: z.array(User).default([]),
  groups: z.array(Group).default([]),
});

export const GovernedState = z.strictObject({
  format: z.literal(STATE_FORMAT),
  /** 1 for the genesis state, +1 per applied change. */
  version: z.int().min(1),
  /** Hash of the previous state (null at genesis): versions form a hash chain. */
  previousHash: z.string().regex(HEX64).nullable(),
  /** Requests submitted at or after this instant (ms since epoch) are evaluated under this state. */
  activatedAt: z.int().min(0),
  policy: PolicyDocument,
  addressBook: z.array(AddressBookEntry),
  users: z.array(User),
  groups: z.array(Group),
  /** Changes to this state need `threshold` signatures of distinct users holding the admin role. */
  adminQuorum: z.strictObject({ threshold: z.int().min(1).max(100) }),
});
export type GovernedState = z.infer<typeof GovernedState>;

/** The policy hash: the digest of the whole governed state. */
export function stateHash(state: GovernedState): string {
  return digestHex(STATE_FORMAT, state);
}

/** The hash of a policy evaluated with an ad-hoc context (CLI what-if tools, tests). */
export function documentHash(policy: PolicyDocument, context?: PolicyContext): string {
  return digestHex('cairn.policy-with-context/v1', {
    policy,
    context: context ?? { addressBook: [], users: [], groups: [] },
  });
}

/**
 * Cross-reference checks a schema cannot express. Returns every problem (empty = consistent).
 * A state that fails these is never activated: e.g. a rule requiring approvals from a group
 * that does not exist would make requests unapprovable, or an admin quorum above the number of
 * admins would lock governance forever.
 */
export function stateProblems(
  state: PolicyContext & { policy: PolicyDocument; adminQuorum?: { threshold: number } },
): string[] {
  const problems: string[] = [];
  const users = new Set<string>();
  for (const u of state.users) {
    if (users.has(u.id)) problems.push(`users: duplicate user id "${u.id}"`);
    users.add(u.id);
    const keyIds = new Set<string>();
    for (const k of u.keys) {
      if (keyIds.has(k.id)) problems.push(`users.${u.id}: duplicate key id "${k.id}"`);
      keyIds.add(k.id);
    }
  }
  const groups = new Set<string>();
  for (const g of state.groups) {
    if (groups.has(g.id)) problems.push(`groups: duplicate group id "${g.id}"`);
    groups.add(g.id);
    for (const m of g.members) if (!users.has(m)) problems.push(`groups.${g.id}: unknown member "${m}"`);
  }
  const entries = new Set<string>();
  const addrGroups = new Set<string>();
  for (const e of state.addressBook) {
    if (entries.has(e.id)) problems.push(`addressBook: duplicate entry id "${e.id}"`);
    entries.add(e.id);
    for (const g of e.groups) addrGroups.add(g);
  }
  for (const rule of state.policy.rules) {
    const w = rule.when;
    for (const u of w.initiator?.users ?? [])
      if (!users.has(u)) problems.push(`rule ${rule.id}: unknown user "${u}"`);
    for (const g of w.initiator?.groups ?? [])
      if (!groups.has(g)) problems.push(`rule ${rule.id}: unknown group "${g}"`);
    for (const e of w.destination?.entries ?? [])
      if (!entries.has(e)) problems.push(`rule ${rule.id}: unknown address-book entry "${e}"`);
    for (const g of w.destination?.groups ?? [])
      if (!addrGroups.has(g)) problems.push(`rule ${rule.id}: no address-book entry is in group "${g}"`);
    if (rule.action.type === 'require_approvals') {
      for (const req of rule.action.groups) {
        const g = state.groups.find((x) => x.id === req.group);
        if (!g) problems.push(`rule ${rule.id}: unknown approver group "${req.group}"`);
        else {
          const approvers = g.members.filter((m) =>
            state.users.some((u) => u.id === m && u.roles.includes('approver') && u.keys.length > 0),
          );
          if (approvers.length < req.threshold) {
            problems.push(
              `rule ${rule.id}: group "${req.group}" has ${approvers.length} approvers with keys, threshold is ${req.threshold}`,
            );
          }
        }
      }
    }
  }
  if (state.adminQuorum) {
    const admins = state.users.filter((u) => u.roles.includes('admin') && u.keys.length > 0).length;
    if (state.adminQuorum.threshold > admins) {
      problems.push(
        `adminQuorum: threshold ${state.adminQuorum.threshold} exceeds the ${admins} admins with keys`,
      );
    }
  }
  return problems;
}

/** Validates an untrusted value as a governed state (schema and cross-references). */
export function parseGovernedState(value: unknown): GovernedState {
  const r = GovernedState.safeParse(value);
  if (!r.success) throw invalidInput('INVALID_STATE', 'governed state', r.error.issues);
  const problems = stateProblems(r.data);
  if (problems.length > 0) {
    throw new PolicyError('INVALID_STATE', `inconsistent governed state:\n  ${problems.join('\n  ')}`, {
      details: problems,
    });
  }
  return r.data;
}
