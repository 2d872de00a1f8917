// `npm run bench -- policy`: policy evaluation latency for 10, 100 and 1,000 rules with a
// 10,000-entry velocity ledger (target: p50 <= 20 µs at 1,000 rules), compile time, and
// `policy diff` over 100,000 historical requests, JSONL parsing included (target: <= 10 s).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assetKey,
  compilePolicy,
  destinationKey,
  diffPolicies,
  evaluate,
  type HistoryRecord,
  type LedgerEntry,
  MemoryLedger,
  parseHistory,
  parsePolicyContext,
  parsePolicyDocument,
  parsePriceSnapshot,
  type PolicyRequest,
  type Rule,
} from '@cairn/policy';
import { measure, report } from './harness.ts';

const SUITE = 'policy';
const T0 = Date.UTC(2026, 10, 23, 10, 0); // a Monday
const ETH = { id: 'eip155:1/slip44:60', decimals: 18 };
const examples = join(import.meta.dirname, '..', 'packages', 'policy', 'examples');
const context = parsePolicyContext(JSON.parse(readFileSync(join(examples, 'context.json'), 'utf8')));
const WHITELISTED = context.addressBook[0]!.address;

/** Rule i of a synthetic policy: four templates that fail at different depths, as real rules do. */
function rule(i: number): Rule {
  switch (i % 4) {
    case 0: // fails on the first, cheapest condition
      return {
        id: `r${i}`,
        when: { kinds: ['contract_call'], chains: ['eip155:1'] },
        action: { type: 'block', reason: 'no contract calls' },
      };
    case 1: // passes tags and groups, fails on the USD amount
      return {
        id: `r${i}`,
        when: {
          vault: { tags: ['treasury', 'venue:*'] },
          initiator: { groups: ['treasury-ops'] },
          amountUsd: { gt: String(1_000_000 + i) },
        },
        action: {
          type: 'require_approvals',
          mode: 'all',
          groups: [{ group: 'finance', threshold: 2 }],
          expiresInSeconds: 3600,
        },
      };
    case 2: // passes everything up to a velocity window, which does not trip
      return {
        id: `r${i}`,
        when: {
          vault: { tags: ['treasury'] },
          destination: { type: 'whitelisted' },
          velocity: [
            {
              scope: (['vault', 'initiator', 'destination'] as const)[i % 3]!,
              metric: (['count', 'usd', 'amount'] as const)[i % 3]!,
              windowSeconds: [3600, 86_400, 604_800, 2_592_000][i % 4]!,
              gt: (['100000', '1000000000', '10000000000000000000000000'] as const)[i % 3]!,
            },
          ],
        },
        action: { type: 'block', reason: 'velocity' },
      };
    default: // fails on the time window (weekends only)
      return {
        id: `r${i}`,
        when: {
          vault: { tags: ['treasury'] },
          time: { weekdays: ['sat', 'sun'], timezone: i % 8 === 3 ? 'Europe/Zurich' : 'UTC' },
        },
        action: { type: 'block', reason: 'weekend' },
      };
  }
}

function policyOf(n: number) {
  const rules = Array.from({ length: n - 1 }, (_, i) => rule(i));
  rules.push({
    id: 'treasury-ok',
    when: { vault: { tags: ['treasury'] }, kinds: ['transfer'] },
    action: { type: 'allow' },
  });
  return compilePolicy({
    policy: parsePolicyDocument({
      format: 'cairn.policy/v1',
      version: 1,
      name: `bench-${n}`,
      timezone: 'UTC',
      pricing: { maxAgeSeconds: 300 },
      rules,
    }),
    context,
  });
}

function ledgerOf(size: number): MemoryLedger {
  const entries: LedgerEntry[] = [];
  let s = 7;
  const rnd = () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
  for (let i = 0; i < size; i++) {
    entries.push({
      requestId: `past-${i}`,
      at: T0 - Math.floor(rnd() * 30 * 86_400_000),
      vaultId: i % 3 === 0 ? 'vault-treasury' : `vault-${i % 20}`,
      initiator: ['ana', 'ben', 'tara', 'tom'][i % 4]!,
      destination: destinationKey(
        'eip155:1',
        i % 5 === 0 ? WHITELISTED : `0x${(i % 50).toString(16).padStart(40, '0')}`,
      ),
      asset: assetKey('eip155:1', ETH.id),
      amount: BigInt(Math.floor(rnd() * 1e6)) * 10n ** 12n,
      usdMicros: BigInt(Math.floor(rnd() * 1e10)),
    });
  }
  return new MemoryLedger(entries);
}

export default async function run(): Promise<void> {
  const ledger = ledgerOf(10_000);
  const prices = parsePriceSnapshot({ prices: { [ETH.id]: { usd: '3000', at: T0 - 1000 } } });
  const request: PolicyRequest = {
    id: 'bench',
    kind: 'transfer',
    initiator: 'ana',
    vault: { id: 'vault-treasury', tags: ['treasury'] },
    chain: 'eip155:1',
    asset: ETH,
    amount: 10n ** 18n,
    destination: { address: WHITELISTED },
    submittedAt: T0,
  };
  const intent = { status: 'simulated' as const, riskLevel: 'low' as const, findingIds: [] };
  for (const n of [10, 100, 1000]) {
    const policy = policyOf(n);
    const d = evaluate(policy, { request, intent, ledger, prices, now: T0 });
    if (d.ruleId !== 'treasury-ok') throw new Error(`bench policy decided ${d.ruleId}: ${d.explanation}`);
    const batch = n >= 1000 ? 500 : 2000;
    // CPU time next to wall time: on a loaded machine wall-clock percentiles include waiting.
    let evaluations = 0;
    const cpu0 = process.cpuUsage();
    const m = await measure({
      suite: SUITE,
      name: 'evaluate',
      params: { rules: n, ledger_entries: 10_000, batch },
      iterations: 200,
      warmup: 20,
      budgetMs: 5000,
      fn: () => {
        for (let i = 0; i < batch; i++) evaluate(policy, { request, intent, ledger, prices, now: T0 });
        evaluations += batch;
      },
    });
    const cpu = process.cpuUsage(cpu0);
    const per = (ms: number) => Math.round((ms / batch) * 1e6) / 1e6;
    report(
      {
        ...m,
        p50_ms: per(m.p50_ms),
        p95_ms: per(m.p95_ms),
        ops_per_s: Math.round((batch * 1000) / m.p50_ms),
      },
      {
        p50_us: Math.round((m.p50_ms / batch) * 1e5) / 100,
        cpu_us_mean: Math.round(((cpu.user + cpu.system) / evaluations) * 100) / 100,
        target_p50_us: n === 1000 ? 20 : undefined,
      },
    );
  }
  const c = await measure({
    suite: SUITE,
    name: 'compile',
    params: { rules: 1000 },
    iterations: 20,
    fn: () => policyOf(1000),
  });
  report(c);

  // policy diff over 100,000 historical requests, end to end from JSONL text
  const from = compilePolicy({
    policy: parsePolicyDocument(JSON.parse(readFileSync(join(examples, 'policy-v1.json'), 'utf8'))),
    context,
  });
  const to = compilePolicy({
    policy: parsePolicyDocument(JSON.parse(readFileSync(join(examples, 'policy-v2.json'), 'utf8'))),
    context,
  });
  const base = readFileSync(join(examples, 'history.jsonl'), 'utf8').trim().split('\n');
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    const rec = JSON.parse(base[i % base.length]!);
    rec.request.id = `h-${i}`;
    lines.push(JSON.stringify(rec));
  }
  const jsonl = lines.join('\n');
  // Timed twice: from the JSONL text (parsing included, the target) and from parsed history.
  const diffCase = async (parse_jsonl: boolean, history: () => HistoryRecord[], extra = {}) => {
    let changed = 0;
    let runs = 0;
    const cpu0 = process.cpuUsage();
    const m = await measure({
      suite: SUITE,
      name: 'diff',
      params: { history: 100_000, parse_jsonl },
      iterations: 3,
      warmup: 1,
      budgetMs: 60_000,
      fn: () => {
        changed = diffPolicies({ from, to, history: history() }).changed;
        runs++;
      },
    });
    const cpu = process.cpuUsage(cpu0);
    report(m, { changed, cpu_ms_mean: Math.round((cpu.user + cpu.system) / runs / 1000), ...extra });
  };
  await diffCase(true, () => parseHistory(jsonl), { target_ms: 10_000 });
  const history = parseHistory(jsonl);
  await diffCase(false, () => history);
}
