import { encodeFunctionData } from 'viem';
import { startDevnet, artifact, VAULT, ALICE } from './test/engine/devnet.ts';
import { ForkEngine, startRpcMeter, analyzeTransaction, renderReport, RpcEngine } from './src/index.ts';
const dev = await startDevnet();
const token = await dev.deploy('DemoToken', ['USD Coin', 'USDC', 10n ** 12n]);
const meter = await startRpcMeter({ upstreamUrl: dev.anvil.rpcUrl });
const engine = new ForkEngine({ upstreamUrl: meter.url, headRefreshMs: 60_000 });
const rpc = new RpcEngine({ url: dev.anvil.rpcUrl });
try {
  const data = encodeFunctionData({ abi: artifact('DemoToken').abi, functionName: 'transfer', args: [ALICE, 1_500_000n] });
  let t = performance.now();
  let r = await analyzeTransaction({ chainId: 31337, from: VAULT, to: token, data }, { engine, secondOpinion: rpc });
  console.log('cold ms', performance.now() - t, 'upstream calls', meter.calls, JSON.stringify([...meter.byMethod]));
  console.log(renderReport(r.report, r.digest));
  meter.reset();
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    r = await analyzeTransaction({ chainId: 31337, from: VAULT, to: token, data }, { engine });
    console.log('warm ms', (performance.now() - t).toFixed(2), meter.calls);
  }
  r = await analyzeTransaction({ chainId: 31337, from: VAULT, to: ALICE, value: '1000000000000000000' }, { engine, secondOpinion: rpc });
  console.log(renderReport(r.report, r.digest));
  r = await analyzeTransaction({ chainId: 31337, from: ALICE, to: token, data }, { engine, secondOpinion: rpc });
  console.log(renderReport(r.report, r.digest));
} finally {
  await engine.close(); await meter.close(); await dev.stop();
}
