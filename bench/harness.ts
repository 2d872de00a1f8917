// Benchmark harness: every suite prints one JSON object per line:
// {"suite","name","params","p50_ms","p95_ms","ops_per_s", ...extra}
// Extra fields carry peer figures and ratios (e.g. "peer", "ratio_vs_peer") or sizes ("bytes").

export interface MeasureParameters {
  suite: string;
  name: string;
  params: Record<string, unknown>;
  /** The operation; may be async. */
  fn: () => unknown;
  /** Timed iterations (default 30), after `warmup` untimed ones (default 3). */
  iterations?: number;
  warmup?: number;
  /** Stop timing once this many milliseconds have been spent (default 20 s), with at least 5 samples. */
  budgetMs?: number;
}

export interface Measurement {
  suite: string;
  name: string;
  params: Record<string, unknown>;
  p50_ms: number;
  p95_ms: number;
  ops_per_s: number;
  samples: number;
  [extra: string]: unknown;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Rounds to three decimals (microseconds, when the unit is milliseconds). */
export const round3 = (x: number) => Math.round(x * 1000) / 1000;

export async function measure(p: MeasureParameters): Promise<Measurement> {
  const iterations = p.iterations ?? 30;
  const budget = p.budgetMs ?? 20_000;
  for (let i = 0; i < (p.warmup ?? 3); i++) await p.fn();
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await p.fn();
    samples.push(performance.now() - t0);
    if (samples.length >= 5 && performance.now() - started > budget) break;
  }
  return summarize(p, samples);
}

/** p50, p95 and ops/s of timed samples (milliseconds; sorted in place). */
export function summarize(
  p: Pick<MeasureParameters, 'suite' | 'name' | 'params'>,
  samples: number[],
): Measurement {
  samples.sort((a, b) => a - b);
  const p50 = quantile(samples, 0.5);
  return {
    suite: p.suite,
    name: p.name,
    params: p.params,
    p50_ms: round3(p50),
    p95_ms: round3(quantile(samples, 0.95)),
    ops_per_s: round3(1000 / p50),
    samples: samples.length,
  };
}

/** Prints one result line, with any extra fields (peer figures, ratios). */
export function report(m: Measurement, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ ...m, ...extra })}\n`);
}

/** Measures ours and a peer on the same case and prints both, ours carrying the ratio. */
export async function compare(
  ours: MeasureParameters,
  peer: MeasureParameters & { peer: string },
): Promise<void> {
  const a = await measure(ours);
  const b = await measure(peer);
  report(b, { peer: peer.peer });
  report(a, { peer: peer.peer, peer_p50_ms: b.p50_ms, speedup_vs_peer: round3(b.p50_ms / a.p50_ms) });
}
