// The evaluator's inputs besides the policy: the request facts, the intent facts (from the
// simulation and risk engine) and the price snapshot. JSON forms are validated with zod at the
// boundary; amounts become BigInt and instants become integer milliseconds since the epoch.
import { z } from 'zod';
import { DECIMAL, NATIVE_AMOUNT, parsePriceAtto } from './amount.ts';
import { digestHex } from './digest.ts';
import { ChainId, Id, RequestKind, RiskLevel } from './document.ts';
import { invalidInput } from './errors.ts';

/** Milliseconds since the epoch, or an ISO 8601 date-time with offset (converted to ms). */
export const Instant = z.union([
  z.int().min(0),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

const Tags = z.array(z.string().min(1).max(128)).max(64);

export const PolicyRequestJson = z.strictObject({
  id: z.string().min(1).max(200),
  kind: RequestKind,
  initiator: Id,
  vault: z.strictObject({ id: Id, tags: Tags }),
  wallet: z.strictObject({ id: Id, tags: Tags }).optional(),
  chain: ChainId,
  /** The asset moved (transfers, approvals); absent for e.g. typed data and raw messages. */
  asset: z
    .strictObject({
      id: z.string().min(1).max(200),
      decimals: z.int().min(0).max(36),
      symbol: z.string().max(32).optional(),
    })
    .optional(),
  /** Native units (wei, satoshi…) as a decimal integer string. */
  amount: z.string().regex(NATIVE_AMOUNT, 'native amounts are non-negative integer strings'),
  destination: z.strictObject({ address: z.string().min(1).max(200) }).optional(),
  submittedAt: Instant,
});
export type PolicyRequestJson = z.input<typeof PolicyRequestJson>;

export interface PolicyRequest {
  id: string;
  kind: RequestKind;
  initiator: string;
  vault: { id: string; tags: readonly string[] };
  wallet?: { id: string; tags: readonly string[] };
  chain: string;
  asset?: { id: string; decimals: number; symbol?: string };
  amount: bigint;
  destination?: { address: string };
  submittedAt: number;
}

export const IntentFacts = z.strictObject({
  status: z.enum(['simulated', 'unavailable']),
  riskLevel: RiskLevel,
  findingIds: z.array(z.string().min(1).max(200)).max(1000),
});
export type IntentFacts = z.infer<typeof IntentFacts>;

/** What to assume when no simulation result exists: unavailable and unknown (fail closed). */
export const UNAVAILABLE_INTENT: IntentFacts = {
  status: 'unavailable',
  riskLevel: 'unknown',
  findingIds: [],
};

export const PriceSnapshotJson = z.strictObject({
  /** asset id → USD per whole token (decimal string) and when that price was observed. */
  prices: z.record(z.string().min(1), z.strictObject({ usd: z.string().regex(DECIMAL), at: Instant })),
});
export type PriceSnapshotJson = z.input<typeof PriceSnapshotJson>;

export interface PriceSnapshot {
  /** asset id → atto-dollars per whole token and observation time (ms). */
  readonly prices: ReadonlyMap<string, { readonly atto: bigint; readonly at: number }>;
}

export const NO_PRICES: PriceSnapshot = { prices: new Map() };

export function parsePolicyRequest(value: unknown): PolicyRequest {
  const r = PolicyRequestJson.safeParse(value);
  if (!r.success) throw invalidInput('INVALID_REQUEST', 'request', r.error.issues);
  return requestFromJson(r.data);
}

/** Converts an already validated request JSON (PolicyRequestJson output) to request facts. */
export function requestFromJson(json: z.output<typeof PolicyRequestJson>): PolicyRequest {
  const { amount, wallet, asset, destination, ...rest } = json;
  return {
    ...rest,
    amount: BigInt(amount),
    ...(wallet ? { wallet } : {}),
    ...(asset ? { asset } : {}),
    ...(destination ? { destination } : {}),
  };
}

export function parseIntentFacts(value: unknown): IntentFacts {
  const r = IntentFacts.safeParse(value);
  if (!r.success) throw invalidInput('INVALID_REQUEST', 'intent facts', r.error.issues);
  return r.data;
}

export function parsePriceSnapshot(value: unknown): PriceSnapshot {
  const r = PriceSnapshotJson.safeParse(value);
  if (!r.success) throw invalidInput('INVALID_REQUEST', 'price snapshot', r.error.issues);
  return priceSnapshotFromJson(r.data);
}

/** Converts an already validated snapshot (PriceSnapshotJson output). */
export function priceSnapshotFromJson(json: z.output<typeof PriceSnapshotJson>): PriceSnapshot {
  const prices = new Map<string, { atto: bigint; at: number }>();
  for (const [asset, p] of Object.entries(json.prices))
    prices.set(asset, { atto: parsePriceAtto(p.usd), at: p.at });
  return { prices };
}

/** The JSON form of a request (amount as a decimal string): what is hashed and stored. */
export function requestToJson(request: PolicyRequest): z.output<typeof PolicyRequestJson> {
  return { ...request, amount: request.amount.toString() } as z.output<typeof PolicyRequestJson>;
}

/** Digest of the request facts: approvals and sign jobs bind it. */
export function requestDigest(request: PolicyRequest): string {
  return digestHex('cairn.policy-request/v1', requestToJson(request));
}

/** Digest of the intent facts, for callers without an intent digest of their own. */
export function intentDigest(intent: IntentFacts): string {
  return digestHex('cairn.intent-facts/v1', intent);
}
