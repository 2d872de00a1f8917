// Velocity windows at their boundaries: the window is (now - w, now]; thresholds just under,
// equal and just over; a rolling window; each scope and metric; persistence on node:sqlite.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assetKey,
  destinationKey,
  evaluate,
  type LedgerEntry,
  ledgerEntryFor,
  MemoryLedger,
  parsePriceSnapshot,
  SqliteLedger,
  type VelocityCondition,
  type VelocityLedger,
} from '../src/index.ts';
import { compile, ETH, ONE_ETH, request, SAFE_INTENT, T0 } from './fixtures.ts';

const W = 3600; // one-hour window
const DEST = '0xabcdef0000000000000000000000000000000001';

function entry(i: number, at: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    requestId: `past-${i}`,
    at,
    vaultId: 'vault-treasury',
    initiator: 'bob',
    destination: destinationKey('eip155:1', DEST),
    asset: assetKey('eip155:1', ETH.id),
    amount: ONE_ETH,
    usdMicros: 3000_000000n,
    ...over,
  };
}

/** Does a block rule with this velocity condition fire for a 1 ETH request at `now`? */
function fires(
  v: VelocityCondition,
  ledger: VelocityLedger,
  now = T0,
  prices = parsePriceSnapshot({ prices: { [ETH.id]: { usd: '3000', at: now } } }),
) {
  const policy = compile([
    { id: 'limit', when: { velocity: [v] }, action: { type: 'block', reason: 'velocity' } },
    { id: 'ok', when: {}, action: { type: 'allow' } },
  ]);
  const d = evaluate(policy, {
    request: request({ submittedAt: now }),
    intent: SAFE_INTENT,
    ledger,
    prices,
    now,
  });
  return d.ruleId === 'limit' ? (d.code === 'FACTS_UNAVAILABLE' ? 'unavailable' : 'fires') : 'passes';
}

describe('velocity window boundaries: (now - w, now]', () => {
  const count = (n: number): VelocityCondition => ({
    scope: 'vault',
    metric: 'count',
    windowSeconds: W,
    gt: String(n),
  });
  const cases: [string, number, 'fires' | 'passes'][] = [
    ['entry exactly w old is outside', T0 - W * 1000, 'passes'],
    ['entry 1 ms younger than w is inside', T0 - W * 1000 + 1, 'fires'],
    ['entry at now is inside', T0, 'fires'],
    ['entry 1 ms after now is outside', T0 + 1, 'passes'],
    ['entry much older is outside', T0 - 10 * W * 1000, 'passes'],
  ];
  for (const [name, at, want] of cases) {
    it(name, () => {
      // one past entry + the current request = 2 > 1 fires only if the entry is in the window
      assert.equal(fires(count(1), new MemoryLedger([entry(0, at)])), want);
    });
  }
});

describe('velocity thresholds: just under, equal, just over', () => {
  const ledger = new MemoryLedger([0, 1, 2].map((i) => entry(i, T0 - (i + 1) * 60_000)));
  // total including the current request: 4 requests, 4 ETH, 12000 USD
  const table: [string, VelocityCondition, 'fires' | 'passes'][] = [
    ['count gt just under', { scope: 'vault', metric: 'count', windowSeconds: W, gt: '3' }, 'fires'],
    ['count gt equal', { scope: 'vault', metric: 'count', windowSeconds: W, gt: '4' }, 'passes'],
    ['count gte equal', { scope: 'vault', metric: 'count', windowSeconds: W, gte: '4' }, 'fires'],
    ['count gte just over', { scope: 'vault', metric: 'count', windowSeconds: W, gte: '5' }, 'passes'],
    [
      'amount gt just under',
      { scope: 'vault', metric: 'amount', windowSeconds: W, gt: (4n * ONE_ETH - 1n).toString() },
      'fires',
    ],
    [
      'amount gt equal',
      { scope: 'vault', metric: 'amount', windowSeconds: W, gt: (4n * ONE_ETH).toString() },
      'passes',
    ],
    [
      'amount gte equal',
      { scope: 'vault', metric: 'amount', windowSeconds: W, gte: (4n * ONE_ETH).toString() },
      'fires',
    ],
    ['usd gt just under', { scope: 'vault', metric: 'usd', windowSeconds: W, gt: '11999.999999' }, 'fires'],
    ['usd gt equal', { scope: 'vault', metric: 'usd', windowSeconds: W, gt: '12000' }, 'passes'],
    ['usd gt just over', { scope: 'vault', metric: 'usd', windowSeconds: W, gt: '12000.000001' }, 'passes'],
    ['usd gte equal', { scope: 'vault', metric: 'usd', windowSeconds: W, gte: '12000' }, 'fires'],
    ['count lt (minimum activity)', { scope: 'vault', metric: 'count', windowSeconds: W, lt: '5' }, 'fires'],
    [
      'excluding the current request',
      { scope: 'vault', metric: 'count', windowSeconds: W, gt: '3', includeCurrent: false },
      'passes',
    ],
    [
      'excluding the current request, gte',
      { scope: 'vault', metric: 'count', windowSeconds: W, gte: '3', includeCurrent: false },
      'fires',
    ],
    ['per initiator', { scope: 'initiator', metric: 'count', windowSeconds: W, gt: '3' }, 'fires'],
    ['per destination', { scope: 'destination', metric: 'count', windowSeconds: W, gt: '3' }, 'fires'],
    ['shorter window sees fewer', { scope: 'vault', metric: 'count', windowSeconds: 120, gt: '2' }, 'passes'],
    [
      'shorter window, equal boundary entry excluded',
      { scope: 'vault', metric: 'count', windowSeconds: 120, gt: '1' },
      'fires',
    ],
  ];
  for (const [name, v, want] of table) {
    it(name, () => assert.equal(fires(v, ledger), want));
  }
});

describe('velocity keys, assets and fail-closed sums', () => {
  it('other vaults, initiators and destinations do not count', () => {
    const ledger = new MemoryLedger([
      entry(0, T0 - 1000, { vaultId: 'other' }),
      entry(1, T0 - 1000, { initiator: 'alice' }),
      entry(2, T0 - 1000, {
        destination: destinationKey('eip155:1', '0x2222222222222222222222222222222222222222'),
      }),
    ]);
    assert.equal(fires({ scope: 'vault', metric: 'count', windowSeconds: W, gt: '2' }, ledger), 'fires');
    assert.equal(fires({ scope: 'vault', metric: 'count', windowSeconds: W, gt: '3' }, ledger), 'passes');
    assert.equal(fires({ scope: 'initiator', metric: 'count', windowSeconds: W, gt: '2' }, ledger), 'fires');
    assert.equal(
      fires({ scope: 'destination', metric: 'count', windowSeconds: W, gt: '2' }, ledger),
      'fires',
    );
    assert.equal(
      fires({ scope: 'destination', metric: 'count', windowSeconds: W, gt: '3' }, ledger),
      'passes',
    );
  });
  it('destination keys are case-insensitive for EVM addresses', () => {
    const ledger = new MemoryLedger([
      entry(0, T0 - 1000, {
        destination: destinationKey('eip155:1', DEST.toUpperCase().replace('0X', '0x')),
      }),
    ]);
    assert.equal(
      fires({ scope: 'destination', metric: 'count', windowSeconds: W, gt: '1' }, ledger),
      'fires',
    );
  });
  it('native amounts only sum the same asset', () => {
    const ledger = new MemoryLedger([
      entry(0, T0 - 1000, { asset: assetKey('eip155:1', 'usdc'), amount: 10n ** 30n }),
    ]);
    assert.equal(
      fires({ scope: 'vault', metric: 'amount', windowSeconds: W, gt: ONE_ETH.toString() }, ledger),
      'passes',
    );
    assert.equal(fires({ scope: 'vault', metric: 'count', windowSeconds: W, gt: '1' }, ledger), 'fires');
  });
  it('an unpriced entry in the window makes a USD sum unknown: fail closed', () => {
    const ledger = new MemoryLedger([entry(0, T0 - 1000, { usdMicros: null })]);
    assert.equal(
      fires({ scope: 'vault', metric: 'usd', windowSeconds: W, gt: '1000000' }, ledger),
      'unavailable',
    );
    // ... but not once it has left the window
    assert.equal(
      fires({ scope: 'vault', metric: 'usd', windowSeconds: W, gt: '1000000' }, ledger, T0 + W * 1000),
      'passes',
    );
  });
  it('a missing current price makes a USD sum unknown, unless the current request is excluded', () => {
    const ledger = new MemoryLedger([entry(0, T0 - 1000)]);
    const none = parsePriceSnapshot({ prices: {} });
    assert.equal(
      fires({ scope: 'vault', metric: 'usd', windowSeconds: W, gt: '1' }, ledger, T0, none),
      'unavailable',
    );
    assert.equal(
      fires(
        { scope: 'vault', metric: 'usd', windowSeconds: W, gt: '1', includeCurrent: false },
        ledger,
        T0,
        none,
      ),
      'fires',
    );
  });
  it('the request being evaluated is never counted twice', () => {
    const ledger = new MemoryLedger([entry(0, T0 - 1000, { requestId: 'req-1' })]);
    assert.equal(fires({ scope: 'vault', metric: 'count', windowSeconds: W, gt: '1' }, ledger), 'passes');
  });
});

describe('rolling window', () => {
  it('entries roll out one by one as now advances', () => {
    // entries at T0, T0+10 min, T0+20 min; limit: more than 3 per hour (including current)
    const ledger = new MemoryLedger([0, 1, 2].map((i) => entry(i, T0 + i * 600_000)));
    const v: VelocityCondition = { scope: 'vault', metric: 'count', windowSeconds: W, gt: '3' };
    const at = (ms: number) => fires(v, ledger, ms);
    assert.equal(at(T0 + 20 * 60_000), 'fires'); // 3 + current
    assert.equal(at(T0 + W * 1000 - 1), 'fires'); // first still inside
    assert.equal(at(T0 + W * 1000), 'passes'); // first just left
    assert.equal(at(T0 + W * 1000 + 600_000), 'passes');
    const v2: VelocityCondition = { ...v, gt: '1' };
    assert.equal(fires(v2, ledger, T0 + W * 1000 + 1_200_000 - 1), 'fires'); // third still inside
    assert.equal(fires(v2, ledger, T0 + W * 1000 + 1_200_000), 'passes'); // all gone
  });
});

describe('ledgers', () => {
  it('out-of-order inserts give the same totals as ordered inserts', () => {
    const entries = Array.from({ length: 200 }, (_, i) =>
      entry(i, T0 - ((i * 7919) % 5000) * 1000, {
        amount: BigInt(i + 1),
        usdMicros: i % 17 === 0 ? null : BigInt(i),
      }),
    );
    const a = new MemoryLedger([...entries].sort((x, y) => x.at - y.at));
    const b = new MemoryLedger(entries);
    for (const [after, upTo] of [
      [T0 - 5_000_000, T0],
      [T0 - 1_000_000, T0 - 10_000],
      [T0 - 3_333_000, T0 - 3_000],
    ] as const) {
      for (const scope of ['vault', 'initiator', 'destination'] as const) {
        const key =
          scope === 'vault'
            ? 'vault-treasury'
            : scope === 'initiator'
              ? 'bob'
              : destinationKey('eip155:1', DEST);
        const q = { scope, key, after, upTo };
        assert.deepEqual(a.totals(q), b.totals(q));
        const brute = entries.filter((e) => e.at > after && e.at <= upTo);
        assert.equal(b.totals(q).count, brute.length);
        assert.equal(
          b.totals(q).amount,
          brute.reduce((s, e) => s + e.amount, 0n),
        );
        assert.equal(b.totals(q).unpriced, brute.filter((e) => e.usdMicros === null).length);
      }
    }
  });
  it('recording is idempotent, and a conflicting duplicate is refused', () => {
    const l = new MemoryLedger();
    l.record(entry(0, T0));
    l.record(entry(0, T0));
    assert.equal(l.size, 1);
    assert.throws(() => l.record(entry(0, T0, { amount: 5n })), /different entry/);
  });
  it('ledgerEntryFor stamps the submission time and values the request', () => {
    const r = request();
    const e = ledgerEntryFor(
      r,
      parsePriceSnapshot({ prices: { [ETH.id]: { usd: '2500.25', at: T0 } } }),
      300,
    );
    assert.equal(e.at, T0);
    assert.equal(e.usdMicros, 2500_250000n);
    assert.equal(ledgerEntryFor(r, parsePriceSnapshot({ prices: {} }), 300).usdMicros, null);
  });
  it('the node:sqlite ledger persists entries and answers like the in-memory one', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'cairn-ledger-'));
    try {
      const path = join(dir, 'ledger.db');
      const big = 2n ** 100n; // beyond SQLite integers
      const a = new SqliteLedger(path);
      a.record(entry(0, T0 - 1000, { amount: big }));
      a.record(entry(1, T0 - 2000, { usdMicros: null }));
      a.record(entry(1, T0 - 2000, { usdMicros: null }));
      a.close();
      const b = new SqliteLedger(path);
      assert.equal(b.size, 2);
      const q = { scope: 'vault' as const, key: 'vault-treasury', after: T0 - 10_000, upTo: T0 };
      assert.deepEqual(b.totals(q), {
        count: 2,
        amount: big + ONE_ETH,
        usdMicros: 3000_000000n,
        unpriced: 1,
      });
      assert.throws(() => b.record(entry(0, T0 - 1000)), /different entry/);
      b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
