// Intent analysis before any sign job (ARCHITECTURE §1, §3; docs/intent.md): every request is
// simulated against state forked from the chain's configured RPC, explained, and judged by the
// risk rules before the policy decides. It fails closed: an RPC that is down, slow or on the
// wrong chain yields an `unavailable` report with risk `unknown`, which the policy blocks unless
// a rule explicitly grants the fallback (`intent.allowUnavailable`). Every request records
// whether it was simulated (coverage), in the store and in a Prometheus counter.
import {
  type AddressLists,
  analyzeTransaction,
  analyzeTypedData,
  ForkEngine,
  type IntentFacts,
  type IntentResult,
  type SimulationEngine,
  toIntentFacts,
} from '@cairn/intent';
import type { SignedRequest } from '@cairn/node';
import { Counter, type Registry } from 'prom-client';
import type { IntentRecord, IntentStore } from './intent-store.ts';

/** Facts of a request that cannot be analysed: unknown risk, which policy treats as blocking. */
export const UNANALYSED: IntentFacts = { status: 'unavailable', riskLevel: 'unknown', findingIds: [] };

export interface IntentServiceParameters {
  store: IntentStore;
  /** The chains whose RPC the simulation forks from. */
  chains: readonly { chainId: number; rpcUrl: string }[];
  /** Builds the engine of a chain (default: a ForkEngine over its RPC, created on first use). */
  engineFor?: (chain: { chainId: number; rpcUrl: string }) => SimulationEngine;
  /** Budget of one simulation in ms (default 10 s). */
  timeoutMs?: number;
  /** Address book / allowlist / blocklist snapshot for the risk rules. */
  lists?: () => AddressLists;
  registry?: Registry;
}

export interface AnalyzeRequestParameters {
  request: SignedRequest;
  /** The address that signs: the vault's EVM address. */
  signer: `0x${string}`;
  nowMs: number;
}

export class IntentService {
  readonly store: IntentStore;
  readonly #p: IntentServiceParameters;
  readonly #engines = new Map<number, SimulationEngine>();
  readonly #counter: Counter<'simulated' | 'status'> | null;

  constructor(p: IntentServiceParameters) {
    this.#p = p;
    this.store = p.store;
    this.#counter = p.registry
      ? new Counter({
          name: 'cairn_coordinator_intent_analyses_total',
          help: 'Requests analysed before signing, by whether they were simulated and the simulation status',
          labelNames: ['simulated', 'status'],
          registers: [p.registry],
        })
      : null;
  }

  #engine(chainId: number): SimulationEngine | undefined {
    const existing = this.#engines.get(chainId);
    if (existing) return existing;
    const chain = this.#p.chains.find((c) => c.chainId === chainId);
    if (!chain) return undefined;
    const engine =
      this.#p.engineFor?.(chain) ??
      new ForkEngine({ upstreamUrl: chain.rpcUrl, chainId, timeoutMs: this.#p.timeoutMs ?? 10_000 });
    this.#engines.set(chainId, engine);
    return engine;
  }

  /**
   * Analyses a request and records the result. Never throws for simulator trouble: the result is
   * then `unavailable` (fail closed). A derived key (non-empty derivation path) signs from an
   * address the coordinator cannot compute, so it is analysed without simulation.
   */
  async analyze(p: AnalyzeRequestParameters): Promise<IntentRecord> {
    const body = p.request.body;
    let result: IntentResult | null = null;
    let errorCode: string | null = null;
    const lists = this.#p.lists?.();
    try {
      if (body.kind === 'evm.transaction') {
        const tx = body.transaction!;
        const derived = body.derivationPath.length > 0;
        result = await analyzeTransaction(
          {
            kind: 'transaction',
            chainId: body.chainId,
            from: p.signer,
            to: tx.to,
            value: tx.value,
            data: tx.data,
            gas: tx.gas,
          },
          {
            ...(derived ? {} : { engine: this.#engine(body.chainId) }),
            ...(lists ? { lists } : {}),
            ...(this.#p.timeoutMs ? { timeoutMs: this.#p.timeoutMs } : {}),
            now: Math.floor(p.nowMs / 1000),
          },
        );
      } else if (body.kind === 'evm.typed-data') {
        result = await analyzeTypedData(
          { kind: 'typed-data', chainId: body.chainId, signer: p.signer, typedData: body.typedData },
          { ...(lists ? { lists } : {}), now: Math.floor(p.nowMs / 1000) },
        );
      } else {
        errorCode = 'NOT_ANALYSABLE';
      }
    } catch (error) {
      // Malformed input the engine refused, or a bug: never a pass.
      errorCode = (error as { code?: string }).code ?? 'ANALYSIS_FAILED';
      result = null;
    }
    const facts = result ? toIntentFacts(result.report) : UNANALYSED;
    const status = result?.report.simulation.status ?? 'unavailable';
    const record: IntentRecord = {
      requestId: body.requestId,
      report: result?.report ?? null,
      digest: result?.digest ?? null,
      facts,
      simulated: facts.status === 'simulated',
      status,
      errorCode: errorCode ?? result?.report.simulation.error?.code ?? null,
      analyzedAtMs: p.nowMs,
    };
    this.store.put(record);
    this.#counter?.inc({ simulated: String(record.simulated), status });
    return record;
  }

  /** Stops the engines' child processes. */
  async close(): Promise<void> {
    const engines = [...this.#engines.values()];
    this.#engines.clear();
    await Promise.allSettled(engines.map((e) => e.close()));
  }
}
