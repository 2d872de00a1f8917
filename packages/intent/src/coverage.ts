// Simulation coverage: how many requests were analysed and how many of them were actually
// simulated. Every report also records `simulated` itself; this counter is what an operator
// watches (a node whose coverage drops is signing — or refusing — on unsimulated intent).
import type { IntentReport } from './types.ts';

export interface CoverageSnapshot {
  requests: number;
  simulated: number;
  reverted: number;
  unavailable: number;
  typedData: number;
  /** simulated / transaction requests (1 when there were none). */
  ratio: number;
  /** Unavailable reports by error code. */
  unavailableByCode: Record<string, number>;
}

export class SimulationCoverage {
  #s = { requests: 0, simulated: 0, reverted: 0, unavailable: 0, typedData: 0 };
  #codes = new Map<string, number>();

  /** Records one report. */
  record(report: IntentReport): void {
    this.#s.requests++;
    if (report.kind === 'typed-data') {
      this.#s.typedData++;
      return;
    }
    if (report.simulated) this.#s.simulated++;
    if (report.simulation.status === 'reverted') this.#s.reverted++;
    if (report.simulation.status === 'unavailable') {
      this.#s.unavailable++;
      const code = report.simulation.error?.code ?? 'UNKNOWN';
      this.#codes.set(code, (this.#codes.get(code) ?? 0) + 1);
    }
  }

  snapshot(): CoverageSnapshot {
    const txs = this.#s.requests - this.#s.typedData;
    return {
      ...this.#s,
      ratio: txs === 0 ? 1 : this.#s.simulated / txs,
      unavailableByCode: Object.fromEntries([...this.#codes].sort()),
    };
  }
}
