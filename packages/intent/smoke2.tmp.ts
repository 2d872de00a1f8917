import { encodeFunctionData } from 'viem';
import { startDevnet, artifact, VAULT, ALICE } from './test/engine/devnet.ts';
import { ForkEngine, startRpcMeter, analyzeTransaction } from './src/index.ts';
const dev = await startDevnet();
const token = await dev.deploy('DemoToken', ['USD Coin', 'USDC', 10n ** 12n]);
const meter = await startRpcMeter({ upstreamUrl: dev.anvil.rpcUrl });
const engine = new ForkEngine({ upstreamUrl: meter.url, headRefreshMs: 0 });
try {
  const data = encodeFunctionData({ abi: artifact('DemoToken').abi, functionName: 'transfer', args: [ALICE, 1_500_000n] });
  await analyzeTransaction({ chainId: 31337, from: VAULT, to: token, data }, { engine });
  await dev.mine();
  meter.reset();
  let t = performance.now();
  await analyzeTransaction({ chainId: 31337, from: VAULT, to: token, data }, { engine });
  console.log('new-block ms', performance.now() - t, 'upstream calls', meter.calls);
  for (const c of meter.recent) console.log(c.method, JSON.stringify(c.params));
  // timing breakdown
  meter.reset();
  const N = 200; const xs: number[] = [];
  for (let i = 0; i < N; i++) { t = performance.now(); await analyzeTransaction({ chainId: 31337, from: VAULT, to: token, data }, { engine, blockNumber: engine.forkBlock }); xs.push(performance.now() - t); }
  xs.sort((a, b) => a - b); console.log('warm p50', xs[N / 2], 'calls', meter.calls);
  const sim = await engine.simulate({ chainId: 31337, from: VAULT, to: token, value: 0n, data, blockNumber: engine.forkBlock });
  const ys: number[] = [];
  for (let i = 0; i < N; i++) { t = performance.now(); await engine.simulate({ chainId: 31337, from: VAULT, to: token, value: 0n, data, blockNumber: engine.forkBlock }); ys.push(performance.now() - t); }
  ys.sort((a, b) => a - b); console.log('sim p50', ys[N / 2]);
} finally {
  await engine.close(); await meter.close(); await dev.stop();
}
