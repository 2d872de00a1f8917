// Property tests (fast-check): the same inputs give the same decision on every node, whatever
// the key order of the documents or the insertion order of the ledger; and the deciding rule is
// exactly the first rule in order that matches (docs/policy.md §3), so reordering rules changes
// decisions exactly as documented.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  assetKey,
  compilePolicy,
  destinationKey,
  evaluate,
  isUnavailableResult,
  type IntentFacts,
  type LedgerEntry,
  MemoryLedger,
  matchAllRules,
  matchRule,
  parsePolicyDocument,
  parsePriceSnapshot,
  type PolicyDocument,
  type PolicyRequest,
  type Rule,
} from '../src/index.ts';
import { CONTEXT, ETH, T0 } from './fixtures.ts';

const USDC = { id: 'eip155:1/erc20:usdc', decimals: 6 };
const ADDRS = [
  '0xabcdef0000000000000000000000000000000001',
  '0x00000000000000000000000000000000000000c0',
  '0x1111111111111111111111111111111111111111',
];
const HOUR = 3_600_000;

// thresholds that coincide with request amounts, so gt/gte and lt/lte boundaries are exercised
const AMOUNTS = [0n, 1_000_000n, 10n ** 18n, 5n * 10n ** 18n, 3n * 10n ** 18n + 1n];
const amountStr = fc.oneof(
  fc.constantFrom(...AMOUNTS.map(String)),
  fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
);
const usdStr = fc.constantFrom('0', '1', '100', '2999.99', '3000', '10000', '15000', '250000.5');
const boundsOf = (arb: fc.Arbitrary<string>) =>
  fc
    .record({ gt: arb, gte: arb, lt: arb, lte: arb }, { requiredKeys: [] })
    .filter((b) => Object.keys(b).length > 0);

const velocityArb = fc
  .record({
    scope: fc.constantFrom('vault', 'initiator', 'destination'),
    metric: fc.constantFrom('count', 'amount', 'usd'),
    windowSeconds: fc.constantFrom(60, 3600, 86_400),
    includeCurrent: fc.boolean(),
    lim: fc.nat(6),
    op: fc.constantFrom('gt', 'gte', 'lt', 'lte'),
  })
  .map((v) => ({
    scope: v.scope,
    metric: v.metric,
    windowSeconds: v.windowSeconds,
    includeCurrent: v.includeCurrent,
    [v.op]:
      v.metric === 'count'
        ? String(v.lim)
        : v.metric === 'usd'
          ? String(v.lim * 3000)
          : (BigInt(v.lim) * 10n ** 18n).toString(),
  }));

const fullWhenArb = fc.record({
  initiator: fc
    .record(
      {
        users: fc.subarray(['alice', 'bob', 'carol'], { minLength: 1 }),
        groups: fc.subarray(['traders', 'finance'], { minLength: 1 }),
      },
      { requiredKeys: [] },
    )
    .filter((x) => Object.keys(x).length > 0),
  vault: fc.oneof(
    fc.record({ tags: fc.subarray(['treasury', 'trading', 'venue:*', '*'], { minLength: 1 }) }),
    fc.record({ ids: fc.subarray(['v-treasury', 'v-other'], { minLength: 1 }) }),
    fc.record({ ids: fc.constant(['v-treasury']), tags: fc.constant(['venue:*']) }),
  ),
  wallet: fc
    .record(
      {
        ids: fc.subarray(['w-hot', 'w-cold'], { minLength: 1 }),
        tags: fc.subarray(['hot', 'cold', 'desk:*'], { minLength: 1 }),
      },
      { requiredKeys: [] },
    )
    .filter((x) => Object.keys(x).length > 0),
  chains: fc.subarray(['eip155:1', 'eip155:10'], { minLength: 1 }),
  assets: fc.subarray([ETH.id, USDC.id], { minLength: 1 }),
  kinds: fc.subarray(['transfer', 'contract_call', 'token_approval', 'typed_data', 'raw_message'] as const, {
    minLength: 1,
  }),
  destination: fc.oneof(
    fc.record({ type: fc.constantFrom('whitelisted', 'one_time', 'any') }),
    fc.record({ groups: fc.constant(['exchanges']) }),
  ),
  amount: boundsOf(amountStr),
  amountUsd: boundsOf(usdStr),
  velocity: fc.array(velocityArb, { minLength: 1, maxLength: 2 }),
  intent: fc.record(
    {
      maxRiskLevel: fc.constantFrom('none', 'low', 'medium', 'high'),
      minRiskLevel: fc.constantFrom('medium', 'high', 'critical'),
      findingsAny: fc.constant(['unlimited-approval']),
      allowUnavailable: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  time: fc.oneof(
    fc.record({
      weekdays: fc.subarray(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, { minLength: 1 }),
    }),
    fc.record({
      from: fc.constantFrom('00:00', '09:00', '22:00'),
      to: fc.constantFrom('06:00', '17:00', '24:00'),
      timezone: fc.constantFrom('UTC', 'Europe/Zurich', 'Asia/Tokyo'),
    }),
  ),
});

// Rules with 0-3 conditions, so that rules actually match often enough to exercise ordering.
const CONDITION_KINDS = [
  'initiator',
  'vault',
  'wallet',
  'chains',
  'assets',
  'kinds',
  'destination',
  'amount',
  'amountUsd',
  'velocity',
  'intent',
  'time',
] as const;
const whenArb = fc
  .tuple(fullWhenArb, fc.subarray([...CONDITION_KINDS], { maxLength: 3 }))
  .map(([full, keys]) => Object.fromEntries(keys.map((k) => [k, full[k]])));

const actionArb = fc.oneof(
  fc.constant({ type: 'allow' as const }),
  fc.constant({ type: 'block' as const, reason: 'no' }),
  fc.record({
    type: fc.constant('require_approvals' as const),
    mode: fc.constantFrom('all' as const, 'any' as const),
    groups: fc.constantFrom(
      [{ group: 'finance', threshold: 2 }],
      [
        { group: 'finance', threshold: 1 },
        { group: 'security', threshold: 1 },
      ],
    ),
    initiatorMayApprove: fc.boolean(),
    expiresInSeconds: fc.constantFrom(600, 3600),
  }),
);

// up to 70 rules: several bitset words in the rule index
const policyArb = fc.array(fc.record({ when: whenArb, action: actionArb }), { maxLength: 70 }).map((rs) =>
  parsePolicyDocument({
    format: 'cairn.policy/v1',
    version: 1,
    name: 'random',
    timezone: 'UTC',
    pricing: { maxAgeSeconds: 600 },
    rules: rs.map((r, i) => ({ id: `r${i}`, ...r })),
  }),
);

const requestArb: fc.Arbitrary<PolicyRequest> = fc
  .record({
    kind: fc.constantFrom(
      'transfer',
      'contract_call',
      'token_approval',
      'typed_data',
      'raw_message' as const,
    ),
    initiator: fc.constantFrom('alice', 'bob', 'carol', 'mallory'),
    vaultTags: fc.subarray(['treasury', 'trading', 'venue:sdx']),
    wallet: fc.option(
      fc.record({ id: fc.constantFrom('w-hot', 'w-cold'), tags: fc.subarray(['hot', 'cold', 'desk:fx']) }),
      { nil: undefined },
    ),
    chain: fc.constantFrom('eip155:1', 'eip155:10'),
    asset: fc.option(fc.constantFrom(ETH, USDC), { nil: undefined }),
    amount: fc.oneof(fc.constantFrom(...AMOUNTS), fc.bigInt({ min: 0n, max: 10n ** 20n })),
    dest: fc.option(fc.constantFrom(...ADDRS), { nil: undefined }),
    at: fc.integer({ min: 0, max: 14 * 24 * HOUR }),
  })
  .map((x) => ({
    id: 'current',
    kind: x.kind as PolicyRequest['kind'],
    initiator: x.initiator,
    vault: { id: x.vaultTags.includes('treasury') ? 'v-treasury' : 'v-other', tags: x.vaultTags },
    ...(x.wallet ? { wallet: x.wallet } : {}),
    chain: x.chain,
    ...(x.asset ? { asset: x.asset } : {}),
    amount: x.asset ? x.amount : 0n,
    ...(x.dest ? { destination: { address: x.dest } } : {}),
    submittedAt: T0 + x.at,
  }));

const intentArb: fc.Arbitrary<IntentFacts> = fc.record({
  status: fc.constantFrom('simulated' as const, 'simulated' as const, 'unavailable' as const),
  riskLevel: fc.constantFrom('none', 'low', 'medium', 'high', 'critical', 'unknown' as const),
  findingIds: fc.subarray(['unlimited-approval', 'delegatecall']),
});

const ledgerArb = fc.array(
  fc.record({
    dt: fc.integer({ min: -2 * 86_400_000, max: 0 }),
    vault: fc.constantFrom('v-treasury', 'v-other'),
    initiator: fc.constantFrom('alice', 'bob'),
    dest: fc.option(fc.constantFrom(...ADDRS), { nil: null }),
    amount: fc.bigInt({ min: 0n, max: 10n ** 19n }),
    usd: fc.option(fc.bigInt({ min: 0n, max: 10n ** 10n }), { nil: null, freq: 8 }),
  }),
  { maxLength: 40 },
);

type RawEntry = {
  dt: number;
  vault: string;
  initiator: string;
  dest: string | null;
  amount: bigint;
  usd: bigint | null;
};

function entriesFor(raw: readonly RawEntry[], at: number): LedgerEntry[] {
  return raw.map((e, i) => ({
    requestId: `past-${i}`,
    at: at + e.dt,
    vaultId: e.vault,
    initiator: e.initiator,
    destination: e.dest ? destinationKey('eip155:1', e.dest) : null,
    asset: assetKey('eip155:1', ETH.id),
    amount: e.amount,
    usdMicros: e.usd,
  }));
}

/** Rebuilds a value with every object's keys in reverse order (same JSON meaning). */
function shuffleKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(shuffleKeys) as T;
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .reverse()
        .map((k) => [k, shuffleKeys((v as Record<string, unknown>)[k])]),
    ) as T;
  }
  return v;
}

const prices = parsePriceSnapshot({
  prices: { [ETH.id]: { usd: '3000', at: T0 + 7 * 86_400_000 }, [USDC.id]: { usd: '1', at: T0 } },
});

describe('determinism (property)', () => {
  it('every node reaches the same decision from the same inputs', () => {
    fc.assert(
      fc.property(policyArb, requestArb, intentArb, ledgerArb, (doc, req, intent, rawLedger) => {
        const entries = entriesFor(rawLedger, req.submittedAt);
        const nodeA = compilePolicy({ policy: doc, context: CONTEXT });
        const nodeB = compilePolicy({
          policy: parsePolicyDocument(shuffleKeys(JSON.parse(JSON.stringify(doc)))),
          context: shuffleKeys(structuredClone(CONTEXT)),
        });
        const ledgerA = new MemoryLedger(entries);
        const ledgerB = new MemoryLedger([...entries].reverse());
        const now = req.submittedAt;
        const a = evaluate(nodeA, { request: req, intent, ledger: ledgerA, prices, now });
        const b = evaluate(nodeB, {
          request: structuredClone(req),
          intent: structuredClone(intent),
          ledger: ledgerB,
          prices,
          now,
        });
        const again = evaluate(nodeA, { request: req, intent, ledger: ledgerA, prices, now });
        assert.equal(nodeA.policyHash, nodeB.policyHash);
        assert.deepEqual(a, b);
        assert.deepEqual(a, again);
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });

  it('the deciding rule is the first matching rule in order, under any rule order', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(
        policyArb,
        requestArb,
        intentArb,
        ledgerArb,
        fc.integer(),
        (doc, req, intent, rawLedger, seed) => {
          const ledger = new MemoryLedger(entriesFor(rawLedger, req.submittedAt));
          for (const rules of [doc.rules, permute(doc.rules, seed)]) {
            const policy = compilePolicy({ policy: { ...doc, rules }, context: CONTEXT });
            const input = { request: req, intent, ledger, prices, now: req.submittedAt };
            const d = evaluate(policy, input);
            seen.set(d.code, (seen.get(d.code) ?? 0) + 1);
            const unknownIntent = intent.status === 'unavailable' || intent.riskLevel === 'unknown';
            let expected: { index: number | null; unavailable: boolean } = {
              index: null,
              unavailable: false,
            };
            for (let i = 0; i < rules.length; i++) {
              const m = matchRule(policy, i, input);
              if (m === false) continue;
              if (isUnavailableResult(m)) {
                expected = { index: i, unavailable: true };
                break;
              }
              const r = rules[i]!;
              if (unknownIntent && r.action.type !== 'block' && r.when.intent?.allowUnavailable !== true)
                continue;
              expected = { index: i, unavailable: false };
              break;
            }
            assert.equal(d.ruleIndex, expected.index, d.explanation);
            if (expected.index === null) assert.equal(d.outcome, 'block');
            else if (expected.unavailable) assert.equal(d.code, 'FACTS_UNAVAILABLE');
            else {
              const want = rules[expected.index]!.action.type;
              assert.equal(d.outcome, want);
              assert.equal(d.ruleId, rules[expected.index]!.id);
            }
          }
        },
      ),
      { numRuns: 300, seed: 42 },
    );
    // the property is not vacuous: every kind of decision occurred
    for (const code of [
      'RULE_ALLOW',
      'RULE_BLOCK',
      'RULE_REQUIRE_APPROVALS',
      'NO_RULE_MATCHED',
      'FACTS_UNAVAILABLE',
    ]) {
      assert.ok(
        (seen.get(code) ?? 0) >= 10,
        `${code} occurred ${seen.get(code) ?? 0} times: ${JSON.stringify([...seen])}`,
      );
    }
  });

  it('the rule index agrees with plain per-rule matching on every rule', () => {
    let matched = 0;
    fc.assert(
      fc.property(policyArb, requestArb, intentArb, ledgerArb, (doc, req, intent, rawLedger) => {
        const policy = compilePolicy({ policy: doc, context: CONTEXT });
        const input = {
          request: req,
          intent,
          ledger: new MemoryLedger(entriesFor(rawLedger, req.submittedAt)),
          prices,
          now: req.submittedAt,
        };
        const indexed = matchAllRules(policy, input);
        doc.rules.forEach((r, i) => {
          const plain = matchRule(policy, i, input);
          const kind = (m: unknown) => (m === true ? 'match' : m === false ? 'no match' : 'unavailable');
          assert.equal(kind(indexed[i]), kind(plain), `rule ${r.id}: ${JSON.stringify(r.when)}`);
          if (plain !== false) matched++;
        });
      }),
      { numRuns: 400, seed: 7 },
    );
    assert.ok(matched > 400, `only ${matched} rule matches were exercised`);
  });

  it('swapping two matching rules with different actions swaps the decision', () => {
    const a: Rule = { id: 'a', when: { kinds: ['transfer'] }, action: { type: 'allow' } };
    const b: Rule = { id: 'b', when: { chains: ['eip155:1'] }, action: { type: 'block', reason: 'x' } };
    const mk = (rules: Rule[]): PolicyDocument =>
      parsePolicyDocument({
        format: 'cairn.policy/v1',
        version: 1,
        name: 'n',
        timezone: 'UTC',
        pricing: { maxAgeSeconds: 60 },
        rules,
      });
    const req: PolicyRequest = {
      id: 'x',
      kind: 'transfer',
      initiator: 'bob',
      vault: { id: 'v', tags: [] },
      chain: 'eip155:1',
      amount: 0n,
      submittedAt: T0,
    };
    const input = {
      request: req,
      intent: { status: 'simulated' as const, riskLevel: 'none' as const, findingIds: [] },
      ledger: new MemoryLedger(),
      now: T0,
    };
    assert.equal(evaluate(compilePolicy({ policy: mk([a, b]) }), input).outcome, 'allow');
    assert.equal(evaluate(compilePolicy({ policy: mk([b, a]) }), input).outcome, 'block');
    // ... but a rule that does not match is irrelevant to order
    const c: Rule = { id: 'c', when: { kinds: ['raw_message'] }, action: { type: 'block', reason: 'y' } };
    assert.equal(evaluate(compilePolicy({ policy: mk([c, a, b]) }), input).ruleId, 'a');
    assert.equal(evaluate(compilePolicy({ policy: mk([a, c, b]) }), input).ruleId, 'a');
  });
});

function permute<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
