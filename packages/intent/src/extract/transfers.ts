// Asset movements from a simulation: token transfers from their standard events (ERC-20/721
// Transfer, ERC-1155 TransferSingle/TransferBatch, WETH Deposit/Withdrawal) and native value from
// the call frames that carried it (or eth_simulateV1's traced transfers). Only effects that were
// not rolled back count: logs of failed frames are already dropped by the trace reader.
import type { RawSimulation } from '../engine/engine.ts';
import type { Address, Asset, Transfer } from '../types.ts';
import { dataWord, TOPIC, topicAddress } from './events.ts';

const ZERO: Address = '0x0000000000000000000000000000000000000000';

export function extractTransfers(sim: Pick<RawSimulation, 'trace' | 'logs' | 'nativeTransfers'>): Transfer[] {
  const out: Transfer[] = [];
  const failed = sim.trace.filter((f) => f.error !== undefined).map((f) => f.path);
  const rolledBack = (path: string) => failed.some((p) => path === p || path.startsWith(`${p}.`));
  for (const f of sim.trace) {
    if (f.value === '0' || rolledBack(f.path)) continue;
    if (f.type === 'CALL' || f.type === 'CREATE' || f.type === 'CREATE2' || f.type === 'SELFDESTRUCT') {
      out.push({
        asset: { kind: 'native', decimals: 18 },
        from: f.from,
        to: f.to,
        amount: f.value,
        evidence: `frame ${f.path}`,
      });
    }
  }
  for (const t of sim.nativeTransfers ?? []) {
    out.push({
      asset: { kind: 'native', decimals: 18 },
      from: t.from,
      to: t.to,
      amount: t.value.toString(),
      evidence: 'eth_simulateV1',
    });
  }
  for (const log of sim.logs) {
    const [t0, t1, t2, t3] = log.topics;
    const evidence = `log ${log.index}`;
    if (t0 === TOPIC.Transfer && t1 && t2) {
      if (log.topics.length === 4 && t3) {
        const asset: Asset = { kind: 'erc721', address: log.address, tokenId: BigInt(t3).toString() };
        out.push({ asset, from: topicAddress(t1), to: topicAddress(t2), amount: '1', evidence });
      } else if (log.topics.length === 3) {
        const asset: Asset = { kind: 'erc20', address: log.address };
        out.push({
          asset,
          from: topicAddress(t1),
          to: topicAddress(t2),
          amount: dataWord(log.data, 0).toString(),
          evidence,
        });
      }
    } else if (t0 === TOPIC.TransferSingle && log.topics.length === 4 && t2 && t3) {
      const asset: Asset = {
        kind: 'erc1155',
        address: log.address,
        tokenId: dataWord(log.data, 0).toString(),
      };
      out.push({
        asset,
        from: topicAddress(t2),
        to: topicAddress(t3),
        amount: dataWord(log.data, 1).toString(),
        evidence,
      });
    } else if (t0 === TOPIC.TransferBatch && log.topics.length === 4 && t2 && t3) {
      // data: offset(ids), offset(values), then each array as length + items.
      const idsAt = Number(dataWord(log.data, 0) / 32n);
      const valuesAt = Number(dataWord(log.data, 1) / 32n);
      const n = Number(dataWord(log.data, idsAt));
      if (n > 10_000 || n !== Number(dataWord(log.data, valuesAt))) continue;
      for (let i = 0; i < n; i++) {
        const asset: Asset = {
          kind: 'erc1155',
          address: log.address,
          tokenId: dataWord(log.data, idsAt + 1 + i).toString(),
        };
        const amount = dataWord(log.data, valuesAt + 1 + i).toString();
        out.push({
          asset,
          from: topicAddress(t2),
          to: topicAddress(t3),
          amount,
          evidence: `${evidence}[${i}]`,
        });
      }
    } else if (t0 === TOPIC.Deposit && log.topics.length === 2 && t1) {
      const asset: Asset = { kind: 'erc20', address: log.address };
      out.push({
        asset,
        from: ZERO,
        to: topicAddress(t1),
        amount: dataWord(log.data, 0).toString(),
        evidence,
      });
    } else if (t0 === TOPIC.Withdrawal && log.topics.length === 2 && t1) {
      const asset: Asset = { kind: 'erc20', address: log.address };
      out.push({
        asset,
        from: topicAddress(t1),
        to: ZERO,
        amount: dataWord(log.data, 0).toString(),
        evidence,
      });
    }
  }
  return out;
}

/** Key of an asset for grouping: 'native', token address, or token address#id. */
export function assetKey(asset: Asset): string {
  if (asset.kind === 'native') return 'native';
  return asset.tokenId !== undefined ? `${asset.address}#${asset.tokenId}` : (asset.address as string);
}
