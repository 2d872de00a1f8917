// Prometheus metrics of one signer node (served at GET /metrics): sign jobs by outcome and
// refusal code, sign latency, protocol aborts, keygen outcomes, active sessions and health.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface NodeMetrics {
  readonly registry: Registry;
  readonly signJobs: Counter<'outcome'>;
  readonly refusals: Counter<'code'>;
  readonly signDuration: Histogram<'scheme'>;
  readonly protocolAborts: Counter<'code'>;
  readonly keygens: Counter<'outcome'>;
  readonly activeSessions: Gauge;
  readonly up: Gauge;
  readonly committeeVersion: Gauge;
}

export function createNodeMetrics(params: { nodeId: string; activeSessions: () => number }): NodeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: params.nodeId });
  const signJobs = new Counter({
    name: 'cairn_node_sign_jobs_total',
    help: 'Sign jobs by outcome (signed, refused, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'cairn_node_sign_refusals_total',
    help: 'Sign jobs refused by the verification pipeline, by refusal code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const signDuration = new Histogram({
    name: 'cairn_node_sign_duration_seconds',
    help: 'Time from receiving a sign job to returning its signature',
    labelNames: ['scheme'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const protocolAborts = new Counter({
    name: 'cairn_node_protocol_aborts_total',
    help: 'Protocol sessions that ended without a result, by code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const keygens = new Counter({
    name: 'cairn_node_keygen_total',
    help: 'Keygen jobs by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const activeSessions = new Gauge({
    name: 'cairn_node_active_sessions',
    help: 'Protocol sessions currently running',
    registers: [registry],
    collect() {
      this.set(params.activeSessions());
    },
  });
  const up = new Gauge({
    name: 'cairn_node_up',
    help: '1 when the node is unlocked and has a valid committee, else 0',
    registers: [registry],
  });
  const committeeVersion = new Gauge({
    name: 'cairn_node_committee_version',
    help: 'Version of the accepted committee (0 when none)',
    registers: [registry],
  });
  return {
    registry,
    signJobs,
    refusals,
    signDuration,
    protocolAborts,
    keygens,
    activeSessions,
    up,
    committeeVersion,
  };
}
