// The policy document (docs/policy.md §2): versioned, canonical JSON, validated by this zod
// schema, from which the published JSON Schema (schema/policy.schema.json) is derived.
// Ordered rules, first match wins, and an implicit final BLOCK. Unknown keys are rejected
// everywhere: a typo in a policy must never silently widen it.
import { z } from 'zod';
import { NATIVE_AMOUNT, USD_DECIMAL } from './amount.ts';
import { invalidInput } from './errors.ts';

export const POLICY_FORMAT = 'cairn.policy/v1';

/** Identifiers of users, groups, rules, vaults, address-book entries. */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/, 'ids are 1-128 of A-Z a-z 0-9 . _ : @ / - (no spaces)');

/** A tag or a tag prefix pattern ending in `*`, e.g. `treasury`, `venue:*`. */
export const TagPattern = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}\*?$|^\*$/,
    'tags are ids, optionally ending in * (prefix match)',
  );

/** CAIP-2 style chain id, e.g. `eip155:1`, `bip122:000000000019d6689c085ae165831e93`. */
export const ChainId = z
  .string()
  .regex(/^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,64}$/, 'chain ids are CAIP-2, e.g. eip155:1');

export const RequestKind = z.enum([
  'transfer',
  'contract_call',
  'token_approval',
  'typed_data',
  'raw_message',
]);
export type RequestKind = z.infer<typeof RequestKind>;

/** Ordered: none < low < medium < high < critical. `unknown` is outside the order (fail closed). */
export const RiskLevel = z.enum(['none', 'low', 'medium', 'high', 'critical', 'unknown']);
export type RiskLevel = z.infer<typeof RiskLevel>;
export const KnownRiskLevel = z.enum(['none', 'low', 'medium', 'high', 'critical']);

export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof Weekday>;

const HHMM = z.string().regex(/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, 'times are HH:MM (00:00-24:00)');

export const TimeZone = z
  .string()
  .min(1)
  .refine(isTimeZone, { message: 'not an IANA time zone (e.g. UTC, Europe/Zurich, America/New_York)' });

const ZONES = new Map<string, boolean>();

function isTimeZone(tz: string): boolean {
  let ok = ZONES.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (ZONES.size < 1000) ZONES.set(tz, ok);
  }
  return ok;
}

function bounds<T extends z.ZodType<string>>(value: T) {
  return z
    .strictObject({
      gt: value.optional(),
      gte: value.optional(),
      lt: value.optional(),
      lte: value.optional(),
    })
    .refine((b) => Object.values(b).some((v) => v !== undefined), {
      message: 'give at least one of gt, gte, lt, lte',
    });
}

const NativeAmount = z.string().regex(NATIVE_AMOUNT, 'native amounts are non-negative integer strings');
const UsdAmount = z.string().regex(USD_DECIMAL, 'USD amounts are decimal strings with at most 6 decimals');

/** Native-unit amount bounds (BigInt comparisons; never floats). */
export const AmountBounds = bounds(NativeAmount);
/** USD bounds, compared in micro-dollars. */
export const UsdBounds = bounds(UsdAmount);

export const VelocityCondition = z
  .strictObject({
    /** Whose history is summed: the request's vault, its initiator, or its destination. */
    scope: z.enum(['vault', 'initiator', 'destination']),
    /** count: number of requests; amount: native units of the request's asset; usd: micro-dollar sum. */
    metric: z.enum(['count', 'amount', 'usd']),
    /** The window is (now - windowSeconds, now]: an entry exactly windowSeconds old is outside. */
    windowSeconds: z
      .int()
      .min(1)
      .max(366 * 86_400),
    /** Whether the request being evaluated counts towards the total (default true). */
    includeCurrent: z.boolean().optional(),
    gt: z.string().optional(),
    gte: z.string().optional(),
    lt: z.string().optional(),
    lte: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    const re =
      v.metric === 'usd' ? USD_DECIMAL : v.metric === 'amount' ? NATIVE_AMOUNT : /^(0|[1-9][0-9]{0,15})$/;
    let any = false;
    for (const k of ['gt', 'gte', 'lt', 'lte'] as const) {
      const x = v[k];
      if (x === undefined) continue;
      any = true;
      if (!re.test(x))
        ctx.addIssue({ code: 'custom', path: [k], message: `not a valid ${v.metric} value: "${x}"` });
    }
    if (!any) ctx.addIssue({ code: 'custom', message: 'give at least one of gt, gte, lt, lte' });
  });
export type VelocityCondition = z.infer<typeof VelocityCondition>;

const IdList = z.array(Id).min(1);

export const Conditions = z.strictObject({
  /** Matches if the initiator is one of `users` or a member of one of `groups`. */
  initiator: z
    .strictObject({ users: IdList.optional(), groups: IdList.optional() })
    .refine((c) => c.users || c.groups, { message: 'give users and/or groups' })
    .optional(),
  /** Matches if the vault id is listed or any vault tag matches any pattern (ids and tags: both must hold). */
  vault: z
    .strictObject({ ids: IdList.optional(), tags: z.array(TagPattern).min(1).optional() })
    .refine((c) => c.ids || c.tags, { message: 'give ids and/or tags' })
    .optional(),
  wallet: z
    .strictObject({ ids: IdList.optional(), tags: z.array(TagPattern).min(1).optional() })
    .refine((c) => c.ids || c.tags, { message: 'give ids and/or tags' })
    .optional(),
  chains: z.array(ChainId).min(1).optional(),
  /** Asset ids as the request carries them (e.g. `eip155:1/slip44:60`, `eip155:1/erc20:0xa0b8…`). */
  assets: z.array(z.string().min(1).max(200)).min(1).optional(),
  kinds: z.array(RequestKind).min(1).optional(),
  /**
   * whitelisted: the destination is in the address book (optionally one of `entries` or in one of
   * `groups`); one_time: it is not. A request without a destination never matches this condition.
   */
  destination: z
    .strictObject({
      type: z.enum(['whitelisted', 'one_time', 'any']).optional(),
      entries: IdList.optional(),
      groups: IdList.optional(),
    })
    .optional(),
  amount: AmountBounds.optional(),
  /** USD value via the price snapshot; a missing or stale price blocks the request (fail closed). */
  amountUsd: UsdBounds.optional(),
  /** Every listed velocity condition must hold. */
  velocity: z.array(VelocityCondition).min(1).max(8).optional(),
  intent: z
    .strictObject({
      riskLevels: z.array(RiskLevel).min(1).optional(),
      /** `unknown` counts as at least any level (so "block at >= high" also blocks unknown). */
      minRiskLevel: KnownRiskLevel.optional(),
      /** `unknown` is never at most any level. */
      maxRiskLevel: KnownRiskLevel.optional(),
      findingsAny: z.array(z.string().min(1)).min(1).optional(),
      findingsNone: z.array(z.string().min(1)).min(1).optional(),
      /** Lets an allow / require_approvals rule match when simulation was unavailable or risk unknown. */
      allowUnavailable: z.boolean().optional(),
    })
    .optional(),
  /** Local-time window in `timezone` (default: the document's). from inclusive, to exclusive; from > to wraps midnight. */
  time: z
    .strictObject({
      timezone: TimeZone.optional(),
      weekdays: z.array(Weekday).min(1).optional(),
      from: HHMM.optional(),
      to: HHMM.optional(),
    })
    .refine((t) => (t.from === undefined) === (t.to === undefined), {
      message: 'give both from and to, or neither',
    })
    .optional(),
});
export type Conditions = z.infer<typeof Conditions>;

export const ApprovalGroupRequirement = z.strictObject({ group: Id, threshold: z.int().min(1).max(100) });

export const Action = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('allow') }),
  z.strictObject({ type: z.literal('block'), reason: z.string().min(1).max(500) }),
  z.strictObject({
    type: z.literal('require_approvals'),
    /** all: every group's threshold must be met by distinct approvers (AND); any: one group suffices (OR). */
    mode: z.enum(['all', 'any']),
    groups: z.array(ApprovalGroupRequirement).min(1).max(20),
    /** Whether the initiator's own approval counts (default false). */
    initiatorMayApprove: z.boolean().optional(),
    /** The quorum must be reached, and the request signed, within this many seconds of submission. */
    expiresInSeconds: z
      .int()
      .min(60)
      .max(30 * 86_400),
  }),
]);
export type Action = z.infer<typeof Action>;

export const Rule = z.strictObject({
  id: Id,
  description: z.string().max(1000).optional(),
  /** Every given condition must hold (AND); an empty `when` matches every request. */
  when: Conditions.describe('Every given condition must hold; an empty object matches every request.'),
  action: Action,
});
export type Rule = z.infer<typeof Rule>;

export const PolicyDocument = z
  .strictObject({
    format: z.literal(POLICY_FORMAT),
    version: z.int().min(1).describe('Increases with every change of the policy.'),
    name: z.string().min(1).max(200),
    description: z.string().max(5000).optional(),
    /** Default time zone of time conditions. */
    timezone: TimeZone.describe('IANA time zone used by time conditions that do not name one.'),
    pricing: z.strictObject({
      /** A price older than this (relative to evaluation time) is stale: USD conditions fail closed. */
      maxAgeSeconds: z
        .int()
        .min(1)
        .max(86_400)
        .describe('A USD price older than this is stale: USD conditions then block (fail closed).'),
    }),
    /** Ordered: the first rule whose conditions all hold decides. Nothing matched → BLOCK. */
    rules: z
      .array(Rule)
      .max(10_000)
      .describe('Ordered; the first rule whose conditions all hold decides; nothing matched means BLOCK.'),
  })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.rules.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${r.id}"` });
      seen.add(r.id);
    });
  });
export type PolicyDocument = z.infer<typeof PolicyDocument>;

/** Validates an untrusted value as a policy document; throws INVALID_DOCUMENT with every issue. */
export function parsePolicyDocument(value: unknown): PolicyDocument {
  const r = PolicyDocument.safeParse(value);
  if (!r.success) throw invalidInput('INVALID_DOCUMENT', 'policy document', r.error.issues);
  return r.data;
}
