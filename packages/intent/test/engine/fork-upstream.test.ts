// ForkUpstream against a real anvil upstream (through a counting proxy): each fact at a block is
// fetched once, answers equal the upstream's own, reads at tags pass through, errors are not
// cached, and an upstream without eth_getAccountInfo gets the three standard calls instead.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  analyzeTransaction,
  ForkEngine,
  ForkUpstream,
  JsonRpcClient,
  RpcResponseError,
  type RpcMeter,
  startRpcMeter,
} from '../../src/index.ts';
import { ALICE, type Devnet, startDevnet, VAULT } from './devnet.ts';

const hex = (n: bigint) => `0x${n.toString(16)}`;

async function rawPost(url: string, body: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return response.json();
}

describe('ForkUpstream', () => {
  let dev: Devnet;
  let token: `0x${string}`;
  let upstream: JsonRpcClient;
  const closers: (() => Promise<void>)[] = [];

  async function setup(options: { unsupportedMethods?: string[] } = {}) {
    const meter: RpcMeter = await startRpcMeter({ upstreamUrl: dev.anvil.rpcUrl, ...options });
    const proxy = await ForkUpstream.start({ upstreamUrl: meter.url, timeoutMs: 5_000 });
    closers.push(
      () => proxy.close(),
      () => meter.close(),
    );
    return { meter, proxy, client: new JsonRpcClient(proxy.url, 5_000) };
  }

  before(async () => {
    dev = await startDevnet();
    token = await dev.deploy('DemoToken', ['USD Coin', 'USDC', 10n ** 24n]);
    upstream = new JsonRpcClient(dev.anvil.rpcUrl, 5_000);
  });
  after(async () => {
    for (const close of closers.reverse()) await close();
    await dev?.stop();
  });

  it('answers balance, nonce and code of an account at a block with one eth_getAccountInfo', async () => {
    const { meter, client } = await setup();
    const block = hex(await dev.blockNumber());
    for (const address of [VAULT, token]) {
      const expected = await Promise.all(
        ['eth_getBalance', 'eth_getTransactionCount', 'eth_getCode'].map((m) =>
          upstream.request(m, [address, block]),
        ),
      );
      meter.reset();
      const got = await Promise.all(
        ['eth_getBalance', 'eth_getTransactionCount', 'eth_getCode', 'eth_getBalance'].map((m) =>
          client.request(m, [address, block]),
        ),
      );
      assert.deepEqual(got, [...expected, expected[0]]);
      assert.deepEqual([...meter.byMethod], [['eth_getAccountInfo', 1]]);
    }
  });

  it('prefetches accounts into the cache: later reads of them cost nothing more', async () => {
    const { meter, proxy, client } = await setup();
    const n = await dev.blockNumber();
    meter.reset();
    proxy.prefetchAccounts([VAULT, token, VAULT.toUpperCase().replace('0X', '0x'), undefined, 'nonsense'], n);
    const got = await Promise.all([
      client.request('eth_getBalance', [VAULT, hex(n)]),
      client.request('eth_getCode', [token, hex(n)]),
      client.request('eth_getTransactionCount', [VAULT, hex(n)]),
    ]);
    assert.equal(got[0], await upstream.request('eth_getBalance', [VAULT, hex(n)]));
    assert.deepEqual([...meter.byMethod], [['eth_getAccountInfo', 2]]);
  });

  it('caches storage and blocks per block number, forwards reads at tags every time', async () => {
    const { meter, client } = await setup();
    const n = await dev.blockNumber();
    meter.reset();
    const slot = await client.request('eth_getStorageAt', [token, '0x2', hex(n)]);
    assert.equal(await client.request('eth_getStorageAt', [token, '0x02', hex(n)]), slot);
    const block = await client.request<{ hash: string }>('eth_getBlockByNumber', [hex(n), false]);
    await client.request('eth_getBlockByNumber', [hex(n), false]);
    assert.equal(meter.calls, 2);
    await client.request('eth_getBalance', [VAULT, 'latest']);
    await client.request('eth_getBalance', [VAULT, 'latest']);
    await client.request('eth_blockNumber');
    assert.equal(meter.calls, 5);
    assert.equal(
      block.hash,
      (await upstream.request<{ hash: string }>('eth_getBlockByNumber', [hex(n), false])).hash,
    );
  });

  it('serves a seeded block without asking, and forgets other blocks when the fork moves', async () => {
    const { meter, proxy, client } = await setup();
    const n = await dev.blockNumber();
    const head = await upstream.request('eth_getBlockByNumber', [hex(n), false]);
    proxy.seedBlock(n, false, head);
    meter.reset();
    assert.deepEqual(await client.request('eth_getBlockByNumber', [hex(n), false]), head);
    await client.request('eth_getCode', [ALICE, hex(n)]);
    assert.equal(meter.calls, 1);
    await dev.mine();
    proxy.retain(n + 1n);
    await client.request('eth_getBlockByNumber', [hex(n), false]);
    await client.request('eth_getCode', [ALICE, hex(n)]);
    assert.equal(meter.calls, 3, 'entries of the old block were dropped');
  });

  it('falls back to the three standard calls when the upstream lacks eth_getAccountInfo', async () => {
    const { meter, client } = await setup({ unsupportedMethods: ['eth_getAccountInfo'] });
    const block = hex(await dev.blockNumber());
    const expected = await Promise.all(
      ['eth_getBalance', 'eth_getTransactionCount', 'eth_getCode'].map((m) =>
        upstream.request(m, [VAULT, block]),
      ),
    );
    meter.reset();
    const got = [];
    for (const m of ['eth_getBalance', 'eth_getTransactionCount', 'eth_getCode'])
      got.push(await client.request(m, [VAULT, block]));
    assert.deepEqual(got, expected);
    // One failed probe, then each value once; asked again, nothing is forwarded.
    assert.equal(meter.byMethod.get('eth_getAccountInfo'), 1);
    assert.equal(meter.calls, 4);
    await client.request('eth_getCode', [VAULT, block]);
    assert.equal(meter.calls, 4);
    // eth_getAccountInfo itself gets the upstream's error, not a crash.
    await assert.rejects(client.request('eth_getAccountInfo', [VAULT, block]), RpcResponseError);
  });

  it('lets the fork engine simulate against an upstream without eth_getAccountInfo', async () => {
    const { meter } = await setup({ unsupportedMethods: ['eth_getAccountInfo'] });
    const engine = new ForkEngine({ upstreamUrl: meter.url, chainId: 31337, headRefreshMs: 3_600_000 });
    closers.push(() => engine.close());
    const request = { chainId: 31337, from: VAULT, to: ALICE, value: '1000000000000000000' };
    const { report } = await analyzeTransaction(request, { engine });
    assert.equal(report.simulation.status, 'ok');
    const out = report.assetChanges.find((c) => c.address === VAULT && c.asset.kind === 'native');
    assert.equal(out?.delta, '-1000000000000000000');
    // Each account fact once: no method asked twice for the same params.
    const seen = new Set(meter.recent.map((c) => JSON.stringify(c)));
    assert.equal(seen.size, meter.recent.length, JSON.stringify(meter.recent));
  });

  it('passes upstream failures through as JSON-RPC errors and does not cache them', async () => {
    const { meter, client } = await setup();
    const block = hex(await dev.blockNumber());
    meter.up = false;
    await assert.rejects(client.request('eth_getCode', [token, block]), (e: Error) => {
      assert.ok(e instanceof RpcResponseError);
      assert.match(e.message, /HTTP 503/);
      return true;
    });
    meter.up = true;
    assert.notEqual(await client.request('eth_getCode', [token, block]), '0x');
  });

  it('answers malformed requests with JSON-RPC errors and keeps serving', async () => {
    const { proxy, client } = await setup();
    assert.deepEqual(await rawPost(proxy.url, '{not json'), {
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'parse error' },
    });
    const batch = (await rawPost(
      proxy.url,
      JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }, { id: 2 }, 7]),
    )) as { id: unknown; result?: unknown; error?: { code: number } }[];
    assert.equal(batch.length, 3);
    assert.equal(batch[0]!.result, '0x7a69');
    assert.equal(batch[1]!.error?.code, -32600);
    assert.equal(batch[2]!.error?.code, -32600);
    assert.equal(await client.request('eth_chainId'), '0x7a69');
  });
});
