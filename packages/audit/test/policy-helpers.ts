// Decisions recorded the way a signer node makes them with @cairn/policy: evaluate() on the
// node's own growing velocity ledger, with every input recorded for replay.
import {
  compileSource,
  decisionCore,
  evaluate,
  type LedgerEntry,
  ledgerEntryFor,
  MemoryLedger,
  NO_PRICES,
  parseIntentFacts,
  parsePolicyRequest,
  parsePolicySource,
} from '@cairn/policy';
import { canonicalJson, type EntryInput, type JsonValue } from '../src/index.ts';
import type { TestLog } from './helpers.ts';

const ETH = { id: 'eip155:1/slip44:60', decimals: 18, symbol: 'ETH' };
export const E18 = 10n ** 18n;

export const POLICY_DOC = {
  format: 'cairn.policy/v1',
  version: 1,
  name: 'audit replay test',
  timezone: 'UTC',
  pricing: { maxAgeSeconds: 300 },
  rules: [
    {
      id: 'block-high-risk',
      when: { intent: { riskLevels: ['high', 'critical'] } },
      action: { type: 'block', reason: 'high risk' },
    },
    {
      id: 'vault-daily-limit',
      when: {
        velocity: [{ scope: 'vault', metric: 'amount', windowSeconds: 86_400, gt: (20n * E18).toString() }],
      },
      action: { type: 'block', reason: 'daily limit' },
    },
    { id: 'small', when: { amount: { lte: (5n * E18).toString() } }, action: { type: 'allow' } },
  ],
};

const toJson = (v: unknown): JsonValue => JSON.parse(canonicalJson(v)) as JsonValue;
const ledgerJson = (entries: LedgerEntry[]) =>
  entries.map((e) => ({
    ...e,
    amount: e.amount.toString(),
    usdMicros: e.usdMicros === null ? null : e.usdMicros.toString(),
  }));

/** Records decisions the way a node makes them, on its own growing ledger. */
export async function recordDecisions(t: TestLog, count: number) {
  const compiled = compileSource(parsePolicySource(JSON.stringify(POLICY_DOC)));
  await t.log.append({
    kind: 'policy.changed',
    actor: 'admins',
    data: {
      policyId: 'treasury',
      version: 1,
      hash: compiled.policyHash,
      document: toJson(POLICY_DOC),
      approvedBy: ['admin-1'],
    },
  });
  const ledger: LedgerEntry[] = [];
  const base = Date.UTC(2026, 5, 1, 9, 0, 0);
  const entries: EntryInput[] = [];
  for (let i = 0; i < count; i++) {
    const submittedAt = base + i * 60_000;
    const requestJson = {
      id: `req-${i}`,
      kind: 'transfer',
      initiator: 'alice',
      vault: { id: 'treasury-1', tags: ['treasury'] },
      chain: 'eip155:1',
      asset: ETH,
      amount: (BigInt(1 + (i % 4) * 2) * E18).toString(),
      destination: { address: '0x00000000000000000000000000000000000000c0' },
      submittedAt,
    };
    const intentJson = { status: 'simulated', riskLevel: i % 5 === 4 ? 'high' : 'low', findingIds: [] };
    const request = parsePolicyRequest(requestJson);
    const decision = evaluate(compiled, {
      request,
      intent: parseIntentFacts(intentJson),
      ledger: new MemoryLedger(ledger),
      now: submittedAt,
    });
    entries.push({
      kind: 'policy.decided',
      actor: 'node-1.cairn.test',
      data: {
        requestId: request.id,
        policy: { id: 'treasury', version: 1, hash: compiled.policyHash },
        outcome: toJson(decisionCore(decision)),
        inputs: {
          request: requestJson,
          intent: intentJson,
          ledger: ledgerJson(ledger),
          now: new Date(submittedAt).toISOString(),
        },
      },
    });
    if (decision.outcome === 'allow') ledger.push(ledgerEntryFor(request, NO_PRICES, 300));
  }
  await t.log.appendBatch(entries);
  await t.log.checkpoint();
  return entries;
}
