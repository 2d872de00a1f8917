// Prometheus metrics of the coordinator (prom-client, own registry): requests by state, sign
// latency, protocol aborts, node health.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { REQUEST_STATES } from './requests/states.ts';

export interface CoordinatorMetrics {
  registry: Registry;
  signLatency: Histogram<'kind'>;
  receiptLatency: Histogram<'kind'>;
  protocolAborts: Counter<'code'>;
  refusals: Counter<'code'>;
  nodeUp: Gauge<'node'>;
  /** Velocity-ledger notices to non-signing nodes, by result (delivered, refused, failed). */
  ledgerNotices: Counter<'result'>;
}

export function createMetrics(countByState: () => Record<string, number>): CoordinatorMetrics {
  const registry = new Registry();
  new Gauge({
    name: 'cairn_coordinator_requests',
    help: 'Sign requests by current state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const counts = countByState();
      for (const state of REQUEST_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  const buckets = [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30];
  return {
    registry,
    signLatency: new Histogram({
      name: 'cairn_coordinator_sign_latency_seconds',
      help: 'Time from request received to threshold signature',
      labelNames: ['kind'],
      buckets,
      registers: [registry],
    }),
    receiptLatency: new Histogram({
      name: 'cairn_coordinator_receipt_latency_seconds',
      help: 'Time from request received to transaction receipt',
      labelNames: ['kind'],
      buckets,
      registers: [registry],
    }),
    protocolAborts: new Counter({
      name: 'cairn_coordinator_protocol_aborts_total',
      help: 'Signing sessions that did not complete (node unavailable, peer lost, timeout)',
      labelNames: ['code'],
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'cairn_coordinator_refusals_total',
      help: 'Requests refused at the API boundary or by a signer node, by code',
      labelNames: ['code'],
      registers: [registry],
    }),
    nodeUp: new Gauge({
      name: 'cairn_coordinator_node_up',
      help: 'Whether the signer node answered its last health check (1) or not (0)',
      labelNames: ['node'],
      registers: [registry],
    }),
    ledgerNotices: new Counter({
      name: 'cairn_coordinator_ledger_notices_total',
      help: 'Ledger notices (POST /v1/ledger/signed) to nodes that did not sign, by result',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}
