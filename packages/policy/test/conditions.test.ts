// Table-driven tests: every condition kind, matching and not matching, and every action.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Decision,
  evaluate,
  type IntentFacts,
  MemoryLedger,
  parsePriceSnapshot,
  type PolicyRequest,
  type PriceSnapshot,
  type Rule,
} from '../src/index.ts';
import { allow, compile, ETH, ONE_ETH, request, SAFE_INTENT, T0 } from './fixtures.ts';

const PRICES = parsePriceSnapshot({ prices: { [ETH.id]: { usd: '3000.50', at: T0 - 60_000 } } });

function decide(
  when: Rule['when'],
  req: Partial<PolicyRequest> = {},
  opts: { intent?: IntentFacts; prices?: PriceSnapshot; now?: number } = {},
): Decision {
  const policy = compile([allow('r', when)]);
  const r = request(req);
  return evaluate(policy, {
    request: r,
    intent: opts.intent ?? SAFE_INTENT,
    ledger: new MemoryLedger(),
    prices: opts.prices ?? PRICES,
    now: opts.now ?? r.submittedAt,
  });
}

interface Case {
  name: string;
  when: Rule['when'];
  req?: Partial<PolicyRequest>;
  intent?: IntentFacts;
  prices?: PriceSnapshot;
  now?: number;
  /** allow: the rule matched; block: it did not (implicit block); unavailable: fail closed. */
  expect: 'allow' | 'block' | 'unavailable';
}

const wed = Date.UTC(2026, 10, 25, 0, 0, 0); // Wednesday 00:00 UTC
const at = (day: number, hh: number, mm = 0) => wed + day * 86_400_000 + (hh * 60 + mm) * 60_000;

const cases: Case[] = [
  // initiator
  { name: 'initiator user listed', when: { initiator: { users: ['bob'] } }, expect: 'allow' },
  { name: 'initiator user not listed', when: { initiator: { users: ['alice'] } }, expect: 'block' },
  { name: 'initiator via group', when: { initiator: { groups: ['traders'] } }, expect: 'allow' },
  { name: 'initiator not in group', when: { initiator: { groups: ['finance'] } }, expect: 'block' },
  {
    name: 'initiator unknown user, group',
    when: { initiator: { groups: ['traders'] } },
    req: { initiator: 'mallory' },
    expect: 'block',
  },
  // vault and wallet
  { name: 'vault tag', when: { vault: { tags: ['treasury'] } }, expect: 'allow' },
  { name: 'vault tag mismatch', when: { vault: { tags: ['trading'] } }, expect: 'block' },
  { name: 'vault id', when: { vault: { ids: ['vault-treasury'] } }, expect: 'allow' },
  {
    name: 'vault id and tag both required',
    when: { vault: { ids: ['vault-treasury'], tags: ['trading'] } },
    expect: 'block',
  },
  {
    name: 'vault tag prefix venue:*',
    when: { vault: { tags: ['venue:*'] } },
    req: { vault: { id: 'v', tags: ['trading', 'venue:sdx'] } },
    expect: 'allow',
  },
  {
    name: 'vault tag prefix no match',
    when: { vault: { tags: ['venue:*'] } },
    req: { vault: { id: 'v', tags: ['venue'] } },
    expect: 'block',
  },
  { name: 'wallet absent', when: { wallet: { tags: ['hot'] } }, expect: 'block' },
  {
    name: 'wallet tag',
    when: { wallet: { tags: ['hot'] } },
    req: { wallet: { id: 'w1', tags: ['hot'] } },
    expect: 'allow',
  },
  // chain, asset, kind
  { name: 'chain listed', when: { chains: ['eip155:1', 'eip155:10'] }, expect: 'allow' },
  { name: 'chain not listed', when: { chains: ['eip155:137'] }, expect: 'block' },
  { name: 'asset listed', when: { assets: [ETH.id] }, expect: 'allow' },
  { name: 'asset not listed', when: { assets: ['eip155:1/erc20:0xa0b8'] }, expect: 'block' },
  {
    name: 'asset absent',
    when: { assets: [ETH.id] },
    req: { asset: undefined, amount: 0n },
    expect: 'block',
  },
  { name: 'kind listed', when: { kinds: ['transfer'] }, expect: 'allow' },
  {
    name: 'kind not listed',
    when: { kinds: ['typed_data', 'raw_message', 'contract_call', 'token_approval'] },
    expect: 'block',
  },
  { name: 'kind typed_data', when: { kinds: ['typed_data'] }, req: { kind: 'typed_data' }, expect: 'allow' },
  // destination
  {
    name: 'destination whitelisted (case-insensitive EVM)',
    when: { destination: { type: 'whitelisted' } },
    expect: 'allow',
  },
  {
    name: 'destination one-time vs whitelisted',
    when: { destination: { type: 'one_time' } },
    expect: 'block',
  },
  {
    name: 'destination one-time',
    when: { destination: { type: 'one_time' } },
    req: { destination: { address: '0x1111111111111111111111111111111111111111' } },
    expect: 'allow',
  },
  {
    name: 'destination not whitelisted',
    when: { destination: { type: 'whitelisted' } },
    req: { destination: { address: '0x1111111111111111111111111111111111111111' } },
    expect: 'block',
  },
  { name: 'destination entry', when: { destination: { entries: ['binance-hot'] } }, expect: 'allow' },
  { name: 'destination other entry', when: { destination: { entries: ['cold-storage'] } }, expect: 'block' },
  { name: 'destination group', when: { destination: { groups: ['exchanges'] } }, expect: 'allow' },
  { name: 'destination other group', when: { destination: { groups: ['internal'] } }, expect: 'block' },
  {
    name: 'destination on another chain is not whitelisted',
    when: { destination: { type: 'whitelisted' } },
    req: { chain: 'eip155:10' },
    expect: 'block',
  },
  {
    name: 'no destination never matches',
    when: { destination: { type: 'any' } },
    req: { destination: undefined },
    expect: 'block',
  },
  {
    name: 'no destination, one_time never matches',
    when: { destination: { type: 'one_time' } },
    req: { destination: undefined },
    expect: 'block',
  },
  // amount (native units, BigInt)
  { name: 'amount lte equal', when: { amount: { lte: ONE_ETH.toString() } }, expect: 'allow' },
  { name: 'amount lt equal', when: { amount: { lt: ONE_ETH.toString() } }, expect: 'block' },
  { name: 'amount gt just under', when: { amount: { gt: (ONE_ETH - 1n).toString() } }, expect: 'allow' },
  { name: 'amount gte equal', when: { amount: { gte: ONE_ETH.toString() } }, expect: 'allow' },
  { name: 'amount gt equal', when: { amount: { gt: ONE_ETH.toString() } }, expect: 'block' },
  { name: 'amount range', when: { amount: { gt: '0', lte: '1000000000000000000' } }, expect: 'allow' },
  {
    name: 'amount beyond 2^64 exact',
    when: { amount: { gt: '99999999999999999999999999999' } },
    req: { amount: 100000000000000000000000000000n },
    expect: 'allow',
  },
  // amount in USD: 1 ETH at 3000.50
  { name: 'usd lte equal', when: { amountUsd: { lte: '3000.5' } }, expect: 'allow' },
  { name: 'usd lt equal', when: { amountUsd: { lt: '3000.50' } }, expect: 'block' },
  { name: 'usd gt just under', when: { amountUsd: { gt: '3000.499999' } }, expect: 'allow' },
  {
    name: 'usd price stale',
    when: { amountUsd: { lte: '1000000' } },
    now: T0 + 300_001 - 60_000,
    expect: 'unavailable',
  },
  {
    name: 'usd price exactly at max age',
    when: { amountUsd: { lte: '1000000' } },
    now: T0 + 300_000 - 60_000,
    expect: 'allow',
  },
  {
    name: 'usd price missing',
    when: { amountUsd: { lte: '1000000' } },
    prices: parsePriceSnapshot({ prices: {} }),
    expect: 'unavailable',
  },
  {
    name: 'usd price from the future',
    when: { amountUsd: { lte: '1000000' } },
    prices: parsePriceSnapshot({ prices: { [ETH.id]: { usd: '1', at: T0 + 1 } } }),
    expect: 'unavailable',
  },
  {
    name: 'usd false condition dominates unavailable price',
    when: { amountUsd: { lte: '1000000' }, kinds: ['typed_data'] },
    prices: parsePriceSnapshot({ prices: {} }),
    expect: 'block',
  },
  {
    name: 'usd of 6-decimal token',
    when: { amountUsd: { gte: '2.5', lte: '2.5' } },
    req: { asset: { id: 'usdc', decimals: 6 }, amount: 2_500_000n },
    prices: parsePriceSnapshot({ prices: { usdc: { usd: '1', at: T0 } } }),
    expect: 'allow',
  },
  // intent
  { name: 'risk level listed', when: { intent: { riskLevels: ['low'] } }, expect: 'allow' },
  { name: 'risk level not listed', when: { intent: { riskLevels: ['none'] } }, expect: 'block' },
  { name: 'max risk ok', when: { intent: { maxRiskLevel: 'medium' } }, expect: 'allow' },
  { name: 'max risk exceeded', when: { intent: { maxRiskLevel: 'none' } }, expect: 'block' },
  { name: 'min risk reached', when: { intent: { minRiskLevel: 'low' } }, expect: 'allow' },
  { name: 'min risk not reached', when: { intent: { minRiskLevel: 'high' } }, expect: 'block' },
  {
    name: 'finding present',
    when: { intent: { findingsAny: ['unlimited-approval'] } },
    intent: { status: 'simulated', riskLevel: 'high', findingIds: ['unlimited-approval'] },
    expect: 'allow',
  },
  { name: 'finding absent', when: { intent: { findingsAny: ['unlimited-approval'] } }, expect: 'block' },
  {
    name: 'forbidden finding present',
    when: { intent: { findingsNone: ['delegatecall'] } },
    intent: { status: 'simulated', riskLevel: 'low', findingIds: ['delegatecall'] },
    expect: 'block',
  },
  { name: 'forbidden finding absent', when: { intent: { findingsNone: ['delegatecall'] } }, expect: 'allow' },
  {
    name: 'unavailable simulation blocks an allow rule (fail closed)',
    when: {},
    intent: { status: 'unavailable', riskLevel: 'unknown', findingIds: [] },
    expect: 'block',
  },
  {
    name: 'unknown risk blocks an allow rule (fail closed)',
    when: { kinds: ['transfer'] },
    intent: { status: 'simulated', riskLevel: 'unknown', findingIds: [] },
    expect: 'block',
  },
  {
    name: 'unavailable simulation with a stale low level is still unknown',
    when: { intent: { maxRiskLevel: 'low', allowUnavailable: true } },
    intent: { status: 'unavailable', riskLevel: 'low', findingIds: [] },
    expect: 'block',
  },
  {
    name: 'explicit fallback: allowUnavailable',
    when: { intent: { allowUnavailable: true } },
    intent: { status: 'unavailable', riskLevel: 'unknown', findingIds: [] },
    expect: 'allow',
  },
  {
    name: 'unknown satisfies minRiskLevel',
    when: { intent: { minRiskLevel: 'critical', allowUnavailable: true } },
    intent: { status: 'simulated', riskLevel: 'unknown', findingIds: [] },
    expect: 'allow',
  },
  // time windows (UTC unless said); 2026-11-25 is a Wednesday
  {
    name: 'weekday listed',
    when: { time: { weekdays: ['wed'] } },
    req: { submittedAt: at(0, 10) },
    expect: 'allow',
  },
  {
    name: 'weekday not listed',
    when: { time: { weekdays: ['sat', 'sun'] } },
    req: { submittedAt: at(0, 10) },
    expect: 'block',
  },
  {
    name: 'window from inclusive',
    when: { time: { from: '09:00', to: '17:00' } },
    req: { submittedAt: at(0, 9) },
    expect: 'allow',
  },
  {
    name: 'window to exclusive (cut-off)',
    when: { time: { from: '09:00', to: '17:00' } },
    req: { submittedAt: at(0, 17) },
    expect: 'block',
  },
  {
    name: 'window just before cut-off',
    when: { time: { from: '09:00', to: '17:00' } },
    req: { submittedAt: at(0, 16, 59) },
    expect: 'allow',
  },
  {
    name: 'window wraps midnight (late)',
    when: { time: { from: '22:00', to: '06:00' } },
    req: { submittedAt: at(0, 23) },
    expect: 'allow',
  },
  {
    name: 'window wraps midnight (early)',
    when: { time: { from: '22:00', to: '06:00' } },
    req: { submittedAt: at(1, 5, 59) },
    expect: 'allow',
  },
  {
    name: 'window wraps midnight (outside)',
    when: { time: { from: '22:00', to: '06:00' } },
    req: { submittedAt: at(1, 6) },
    expect: 'block',
  },
  {
    name: 'time zone shifts the weekday',
    when: { time: { weekdays: ['tue'], timezone: 'America/New_York' } },
    req: { submittedAt: at(0, 3) }, // 22:00 Tuesday in New York
    expect: 'allow',
  },
  {
    name: 'time zone cut-off in Zurich (UTC+1 in November)',
    when: { time: { from: '09:00', to: '17:00', timezone: 'Europe/Zurich' } },
    req: { submittedAt: at(0, 16, 30) }, // 17:30 in Zurich
    expect: 'block',
  },
  {
    name: 'daylight saving time handled (New York, July: UTC-4)',
    when: { time: { from: '09:00', to: '10:00', timezone: 'America/New_York' } },
    req: { submittedAt: Date.UTC(2026, 6, 1, 13, 30) },
    expect: 'allow',
  },
  // combination: all conditions must hold
  {
    name: 'all conditions hold',
    when: { kinds: ['transfer'], chains: ['eip155:1'], initiator: { users: ['bob'] } },
    expect: 'allow',
  },
  {
    name: 'one condition fails',
    when: { kinds: ['transfer'], chains: ['eip155:1'], initiator: { users: ['carol'] } },
    expect: 'block',
  },
  { name: 'empty when matches everything', when: {}, expect: 'allow' },
];

describe('conditions', () => {
  for (const c of cases) {
    it(c.name, () => {
      const d = decide(c.when, c.req, { intent: c.intent, prices: c.prices, now: c.now });
      if (c.expect === 'allow') {
        assert.equal(d.outcome, 'allow', d.explanation);
        assert.equal(d.ruleId, 'r');
      } else if (c.expect === 'block') {
        assert.equal(d.outcome, 'block', d.explanation);
        assert.equal(d.code, 'NO_RULE_MATCHED');
        assert.equal(d.ruleId, null);
      } else {
        assert.equal(d.outcome, 'block', d.explanation);
        assert.equal(d.code, 'FACTS_UNAVAILABLE');
        assert.equal(d.ruleId, 'r');
      }
    });
  }
});

describe('actions', () => {
  const r = request();
  const input = {
    request: r,
    intent: SAFE_INTENT,
    ledger: new MemoryLedger(),
    prices: PRICES,
    now: r.submittedAt,
  };
  it('allow', () => {
    const d = evaluate(compile([allow('a')]), input);
    assert.equal(d.outcome, 'allow');
    assert.equal(d.code, 'RULE_ALLOW');
    assert.match(d.explanation, /rule "a" \(#1\) matched/);
  });
  it('block with reason', () => {
    const d = evaluate(compile([{ id: 'b', when: {}, action: { type: 'block', reason: 'frozen' } }]), input);
    assert.deepEqual([d.outcome, d.code, d.reason, d.ruleId], ['block', 'RULE_BLOCK', 'frozen', 'b']);
    assert.match(d.explanation, /frozen/);
  });
  it('require_approvals carries the requirement and its deadline', () => {
    const d = evaluate(
      compile([
        {
          id: 'q',
          when: {},
          action: {
            type: 'require_approvals',
            mode: 'all',
            groups: [
              { group: 'finance', threshold: 2 },
              { group: 'security', threshold: 1 },
            ],
            initiatorMayApprove: true,
            expiresInSeconds: 3600,
          },
        },
      ]),
      input,
    );
    assert.equal(d.outcome, 'require_approvals');
    assert.deepEqual(d.approvals, {
      mode: 'all',
      groups: [
        { group: 'finance', threshold: 2 },
        { group: 'security', threshold: 1 },
      ],
      initiatorMayApprove: true,
      expiresAt: r.submittedAt + 3_600_000,
    });
    assert.match(d.explanation, /finance >= 2 AND security >= 1/);
  });
  it('initiatorMayApprove defaults to false', () => {
    const d = evaluate(
      compile([
        {
          id: 'q',
          when: {},
          action: {
            type: 'require_approvals',
            mode: 'any',
            groups: [{ group: 'finance', threshold: 1 }],
            expiresInSeconds: 600,
          },
        },
      ]),
      input,
    );
    assert.equal(d.approvals?.initiatorMayApprove, false);
  });
  it('implicit final block when nothing matches, including an empty policy', () => {
    for (const p of [compile([]), compile([allow('x', { kinds: ['raw_message'] })])]) {
      const d = evaluate(p, input);
      assert.deepEqual([d.outcome, d.code, d.ruleId, d.ruleIndex], ['block', 'NO_RULE_MATCHED', null, null]);
    }
  });
  it('block rules still match when the simulation is unavailable', () => {
    const d = evaluate(compile([block2('freeze'), allow('a')]), {
      ...input,
      intent: { status: 'unavailable', riskLevel: 'unknown', findingIds: [] },
    });
    assert.equal(d.ruleId, 'freeze');
  });
  it('explains fail-closed skips', () => {
    const d = evaluate(compile([allow('a')]), {
      ...input,
      intent: { status: 'unavailable', riskLevel: 'unknown', findingIds: [] },
    });
    assert.match(d.explanation, /skipped because the simulation was unavailable/);
  });
});

function block2(id: string): Rule {
  return { id, when: { intent: { minRiskLevel: 'high' } }, action: { type: 'block', reason: 'risky' } };
}
