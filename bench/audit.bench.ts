// `npm run bench -- audit`: the tamper-evident audit log at scale.
//   append      durable appends (node:sqlite, WAL, synchronous=FULL), batches of 1,000 entries
//   proofs      inclusion / consistency proof generation from the store (p50/p95)
//   export      JSONL export of the whole log
//   verify      offline verification of the export (hashes, tree, signatures, cosignatures)
//   replay      every decision re-evaluated with the real @cairn/policy evaluator
// Targets (issue): >= 20,000 appends/s; verify 1,000,000 entries <= 30 s; replay <= 60 s.
// CAIRN_BENCH_AUDIT_N sets the number of entries (default 1,000,000; all are decisions);
// CAIRN_BENCH_AUDIT_KEEP=1 keeps the database, export and keys file for inspection.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuditLog,
  canonicalJson,
  type EntryInput,
  exportToFile,
  type JsonValue,
  makeKeysFile,
  NoteSigner,
  parseKeysFile,
  parseVerifierKey,
  policyReplayer,
  readExportFile,
  replayExport,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  SqliteLogStore,
  SqliteWitnessStore,
  verifyExport,
  Witness,
} from '@cairn/audit';
import {
  compileSource,
  decisionCore,
  evaluate,
  MemoryLedger,
  parseIntentFacts,
  parsePolicyRequest,
  parsePolicySource,
} from '@cairn/policy';
import { measure, report, summarize } from './harness.ts';

const SUITE = 'audit';
const N = Number(process.env.CAIRN_BENCH_AUDIT_N ?? 1_000_000);
const BATCH = 1000;
const CHECKPOINT_EVERY = 100_000;
const ORIGIN = 'bench.cairn/audit';
const E18 = 10n ** 18n;

const POLICY = {
  format: 'cairn.policy/v1',
  version: 1,
  name: 'bench',
  timezone: 'UTC',
  pricing: { maxAgeSeconds: 300 },
  rules: [
    {
      id: 'block-high-risk',
      when: { intent: { riskLevels: ['high', 'critical'] } },
      action: { type: 'block', reason: 'high risk' },
    },
    {
      id: 'daily-limit',
      when: {
        velocity: [{ scope: 'vault', metric: 'amount', windowSeconds: 86_400, gt: (20n * E18).toString() }],
      },
      action: { type: 'block', reason: 'daily limit' },
    },
    { id: 'small', when: { amount: { lte: (5n * E18).toString() } }, action: { type: 'allow' } },
    {
      id: 'large',
      when: { chains: ['eip155:1'] },
      action: {
        type: 'require_approvals',
        mode: 'all',
        groups: [{ group: 'finance', threshold: 2 }],
        expiresInSeconds: 3600,
      },
    },
  ],
};

/** CPU time of this process (user + system, ms): on a loaded machine it tracks the work done. */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function once(
  name: string,
  params: Record<string, unknown>,
  ms: number,
  ops: number,
  extra: Record<string, unknown> = {},
) {
  // One sample: p50 = p95 = ms; throughput counts the `ops` the run did.
  const m = summarize({ suite: SUITE, name, params }, [ms]);
  report({ ...m, ops_per_s: Math.round((ops / ms) * 1000) }, extra);
}

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-audit-bench-'));
  try {
    const owner = NoteSigner.generate('bench.cairn/log', SIG_ED25519);
    const witnesses = [1, 2, 3].map(
      (i) =>
        new Witness({
          signer: NoteSigner.generate(`node-${i}.bench.cairn`, SIG_COSIGNATURE_V1),
          logs: [{ origin: ORIGIN, key: parseVerifierKey(owner.verifierKey) }],
          store: SqliteWitnessStore.open(join(dir, `witness-${i}.db`)),
        }),
    );
    const store = SqliteLogStore.open(join(dir, 'audit.db'));
    const log = await AuditLog.open({ store, origin: ORIGIN, signer: owner, witnesses });

    const compiled = compileSource(parsePolicySource(JSON.stringify(POLICY)));
    const base = Date.UTC(2026, 5, 1);
    await log.append({
      kind: 'policy.changed',
      actor: 'admins',
      time: new Date(base - 1000).toISOString(),
      data: {
        policyId: 'treasury',
        version: 1,
        hash: compiled.policyHash,
        document: JSON.parse(JSON.stringify(POLICY)) as JsonValue,
        approvedBy: ['admin-1'],
      },
    });

    // Decisions as a node records them: evaluated on its own ledger (a small recent window here).
    const decision = (i: number): EntryInput => {
      const submittedAt = base + i * 1000;
      const request = {
        id: `req-${i}`,
        kind: 'transfer',
        initiator: `user-${i % 50}`,
        vault: { id: `vault-${i % 20}`, tags: ['treasury'] },
        chain: 'eip155:1',
        asset: { id: 'eip155:1/slip44:60', decimals: 18, symbol: 'ETH' },
        amount: (BigInt(1 + (i % 9)) * E18).toString(),
        destination: { address: '0x00000000000000000000000000000000000000c0' },
        submittedAt,
      };
      const intent = { status: 'simulated', riskLevel: i % 17 === 0 ? 'high' : 'low', findingIds: [] };
      const ledger =
        i % 3 === 0
          ? []
          : [
              {
                requestId: `req-${i - 1}`,
                at: submittedAt - 1000,
                vaultId: `vault-${i % 20}`,
                initiator: 'user-0',
                destination: 'eip155:1|0x00000000000000000000000000000000000000c0',
                asset: 'eip155:1|eip155:1/slip44:60',
                amount: (BigInt(i % 30) * E18).toString(),
                usdMicros: null,
              },
            ];
      const d = evaluate(compiled, {
        request: parsePolicyRequest(request),
        intent: parseIntentFacts(intent),
        ledger: new MemoryLedger(ledger.map((e) => ({ ...e, amount: BigInt(e.amount), usdMicros: null }))),
        now: submittedAt,
      });
      return {
        kind: 'policy.decided',
        actor: `node-${1 + (i % 3)}.bench.cairn`,
        time: new Date(submittedAt).toISOString(),
        data: {
          requestId: request.id,
          policy: { id: 'treasury', version: 1, hash: compiled.policyHash },
          outcome: JSON.parse(canonicalJson(decisionCore(d))) as JsonValue,
          inputs: { request, intent, ledger, now: new Date(submittedAt).toISOString() },
        },
      };
    };

    // 1. Durable appends, batched; entry generation (incl. the node's policy evaluation) is
    // done before each timed batch so only the log's work is measured.
    let appendMs = 0;
    let appendCpuMs = 0;
    let checkpointMs = 0;
    let checkpoints = 0;
    for (let start = 0; start < N; start += BATCH) {
      const batch: EntryInput[] = [];
      for (let i = start; i < Math.min(N, start + BATCH); i++) batch.push(decision(i));
      const t0 = performance.now();
      const c0 = cpuNow();
      await log.appendBatch(batch);
      appendMs += performance.now() - t0;
      appendCpuMs += cpuNow() - c0;
      if ((start + BATCH) % CHECKPOINT_EVERY === 0 || start + BATCH >= N) {
        const t1 = performance.now();
        const cp = await log.checkpoint();
        checkpointMs += performance.now() - t1;
        checkpoints++;
        if (cp.refusals.length > 0) throw new Error(`witness refused: ${JSON.stringify(cp.refusals)}`);
      }
    }
    once(
      'append (durable, batched)',
      { entries: N, batch: BATCH, synchronous: 'FULL', journal: 'WAL' },
      appendMs,
      N,
      {
        target_ops_per_s: 20_000,
        cpu_ms: Math.round(appendCpuMs),
        ops_per_cpu_s: Math.round((N / appendCpuMs) * 1000),
        db_bytes: statSync(join(dir, 'audit.db')).size,
      },
    );
    once('checkpoint + 3 cosignatures', { size: log.size, witnesses: 3 }, checkpointMs / checkpoints, 1);

    // 2. Proof generation from the store.
    const size = log.size;
    let k = 12345;
    const next = () => {
      k = (Math.imul(k, 1103515245) + 12345) >>> 0;
      return k % size;
    };
    report(
      await measure({
        suite: SUITE,
        name: 'inclusion proof',
        params: { size },
        fn: () => log.inclusionProof(next(), size),
        iterations: 2000,
        warmup: 50,
      }),
    );
    report(
      await measure({
        suite: SUITE,
        name: 'consistency proof',
        params: { size },
        fn: () => log.consistencyProof(1 + next(), size),
        iterations: 2000,
        warmup: 50,
      }),
    );

    // 3. Export, verify, replay.
    const file = join(dir, 'export.jsonl');
    let t0 = performance.now();
    let c0 = cpuNow();
    const ex = await exportToFile({ store, path: file, format: 'jsonl' });
    once('export jsonl', { entries: ex.entries }, performance.now() - t0, ex.entries, {
      bytes: statSync(file).size,
      cpu_ms: Math.round(cpuNow() - c0),
    });

    const keysFile = makeKeysFile({
      origin: ORIGIN,
      log: owner.verifierKey,
      witnesses: witnesses.map((w) => w.verifierKey),
    });
    if (process.env.CAIRN_BENCH_AUDIT_KEEP) writeFileSync(join(dir, 'keys.json'), JSON.stringify(keysFile));
    const keys = parseKeysFile(keysFile);
    // Single-threaded, then with entry lines analysed in worker threads (what the CLI does).
    for (const workers of [0, Math.min(4, availableParallelism())]) {
      t0 = performance.now();
      c0 = cpuNow();
      const v = await verifyExport({ lines: readExportFile(file), keys, workers });
      const verifyMs = performance.now() - t0;
      const verifyCpuMs = cpuNow() - c0;
      if (!v.ok) throw new Error(`verification failed: ${JSON.stringify(v.problems.slice(0, 3))}`);
      once(
        `verify export (${workers === 0 ? '1 thread' : `${workers} workers`})`,
        { entries: v.entries, checkpoints: v.checkpoints, workers },
        verifyMs,
        v.entries,
        { target_ms: 30_000, cpu_ms: Math.round(verifyCpuMs) },
      );
    }

    t0 = performance.now();
    c0 = cpuNow();
    const r = await replayExport({ lines: readExportFile(file), replayer: policyReplayer() });
    const replayMs = performance.now() - t0;
    const replayCpuMs = cpuNow() - c0;
    if (!r.ok) throw new Error(`replay failed: ${JSON.stringify(r.mismatches.slice(0, 3))}`);
    once('replay decisions (@cairn/policy)', { decisions: r.decisions }, replayMs, r.decisions, {
      target_ms: 60_000,
      cpu_ms: Math.round(replayCpuMs),
    });

    await store.close();
  } finally {
    if (process.env.CAIRN_BENCH_AUDIT_KEEP) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
