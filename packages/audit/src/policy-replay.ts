// Decision replay with Cairn's own policy evaluator (@cairn/policy): compiles the policy
// document recorded in the `policy.changed` entry in force, rebuilds the velocity ledger from the
// snapshot the decision recorded, and re-runs the pure evaluator. The replayed decision is
// compared by its core (everything but the human explanation), as nodes compare decisions.
import {
  type CompiledPolicy,
  compileSource,
  decisionCore,
  evaluate,
  type LedgerEntry,
  MemoryLedger,
  parseIntentFacts,
  parsePolicyRequest,
  parsePolicySource,
  parsePriceSnapshot,
} from '@cairn/policy';
import { z } from 'zod';
import { canonicalJson, type JsonValue } from './canonical.ts';
import { AuditError } from './errors.ts';
import type { DecisionReplayer } from './replay.ts';

const integer = z.string().regex(/^(?:0|[1-9][0-9]*)$/, 'a non-negative integer as a decimal string');

/**
 * The recorded velocity ledger (`inputs.ledger` of a policy.decided entry): the entries the
 * deciding node's ledger held, in the JSON form of @cairn/policy's LedgerEntry (amounts as
 * decimal strings). Either a bare array or `{ "entries": [...] }`.
 */
export const ledgerSnapshotSchema = z.union([
  z.array(z.unknown()),
  z.strictObject({ entries: z.array(z.unknown()) }),
]);

const ledgerEntrySchema = z.strictObject({
  requestId: z.string().min(1),
  at: z.number().int().nonnegative(),
  vaultId: z.string().min(1),
  initiator: z.string().min(1),
  destination: z.string().nullable(),
  asset: z.string().nullable(),
  amount: integer,
  usdMicros: integer.nullable(),
});

/** Parses a recorded ledger snapshot into @cairn/policy ledger entries. */
export function parseLedgerSnapshot(value: unknown): LedgerEntry[] {
  const r = ledgerSnapshotSchema.safeParse(value);
  if (!r.success) throw new AuditError('INVALID_ENTRY', 'ledger snapshot must be an array of ledger entries');
  const list = Array.isArray(r.data) ? r.data : r.data.entries;
  return list.map((item, i) => {
    const e = ledgerEntrySchema.safeParse(item);
    if (!e.success) {
      throw new AuditError(
        'INVALID_ENTRY',
        `ledger entry ${i}: ${e.error.issues[0]?.path.join('.')}: ${e.error.issues[0]?.message}`,
      );
    }
    return {
      ...e.data,
      amount: BigInt(e.data.amount),
      usdMicros: e.data.usdMicros === null ? null : BigInt(e.data.usdMicros),
    };
  });
}

/** A DecisionReplayer backed by @cairn/policy's evaluate(); compiled policies are cached by hash. */
export function policyReplayer(): DecisionReplayer {
  const compiled = new Map<string, CompiledPolicy>();
  return {
    replay(entry, context) {
      const inputs = entry.data.inputs;
      if (!inputs) throw new AuditError('INVALID_ENTRY', 'decision has no recorded inputs');
      const hash = context.policy.data.hash;
      let policy = compiled.get(hash);
      if (!policy) {
        policy = compileSource(parsePolicySource(canonicalJson(context.policy.data.document)));
        if (policy.policyHash !== hash) {
          throw new AuditError(
            'INVALID_ENTRY',
            `the recorded policy document hashes to ${policy.policyHash}, but the log records ${hash}`,
          );
        }
        compiled.set(hash, policy);
      }
      const decision = evaluate(policy, {
        request: parsePolicyRequest(inputs.request),
        intent: parseIntentFacts(inputs.intent),
        ledger: new MemoryLedger(parseLedgerSnapshot(inputs.ledger)),
        ...(inputs.prices === undefined ? {} : { prices: parsePriceSnapshot(inputs.prices) }),
        now: Date.parse(inputs.now),
      });
      return {
        expected: entry.data.outcome,
        actual: JSON.parse(canonicalJson(decisionCore(decision))) as JsonValue,
      };
    },
  };
}
