import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, NoteSigner, SIG_ED25519, SqliteLogStore, type EntryInput } from '@cairn/audit';
const mk = (i: number): EntryInput => ({ kind: 'policy.decided', actor: 'node-2.bench.cairn', time: new Date(1780272004000 + i).toISOString(), data: {"requestId":`req-${i}`,"policy":{"id":"treasury","version":1,"hash":"5d9b9f4a2c0b4f0b8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f"},"outcome":{"outcome":"allow","code":"RULE_ALLOW","ruleId":"small","ruleIndex":2,"reason":null,"approvals":null,"policyHash":"5d9b9f4a2c0b4f0b8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f","evaluatedAt":1780272004000},"inputs":{"request":{"id":`req-${i}`,"kind":"transfer","initiator":"user-4","vault":{"id":"vault-4","tags":["treasury"]},"chain":"eip155:1","asset":{"id":"eip155:1/slip44:60","decimals":18,"symbol":"ETH"},"amount":"5000000000000000000","destination":{"address":"0x00000000000000000000000000000000000000c0"},"submittedAt":1780272004000},"intent":{"status":"simulated","riskLevel":"low","findingIds":[]},"ledger":[{"requestId":"req-3","at":1780272003000,"vaultId":"vault-4","initiator":"user-0","destination":"eip155:1|0x00000000000000000000000000000000000000c0","asset":"eip155:1|eip155:1/slip44:60","amount":"4000000000000000000","usdMicros":null}],"now":"2026-06-01T00:00:04.000Z"}} });
const N = 100000;
const inputs = Array.from({ length: N }, (_, i) => mk(i));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (const w of [0, 2, 0, 2]) {
  const dir = mkdtempSync(join(tmpdir(), 'aa-'));
  const store = SqliteLogStore.open(join(dir, 'a.db'));
  const log = await AuditLog.open({ store, origin: 'x/y', signer: NoteSigner.generate('x', SIG_ED25519), encodeWorkers: w });
  await log.appendBatch(inputs.slice(0, 1000).map((e, i) => ({ ...e, time: new Date(1780272000000 + i).toISOString() }))); // warm up workers
  const c0 = cpu(); const t0 = performance.now();
  for (let i = 0; i < N; i += 1000) await log.appendBatch(inputs.slice(i, i + 1000));
  console.log(`workers=${w}`, Math.round(N / (performance.now() - t0) * 1000), 'entries/s wall', Math.round(N / (cpu() - c0) * 1000), 'per cpu-s');
  await log.close(); await store.close(); rmSync(dir, { recursive: true });
}
