// What the coordinator currently believes about each signer node's availability. A node marked
// down is avoided when choosing signers until a health probe sees it again.
import type { NodeClient } from './node-client.ts';

export interface NodeStatus {
  nodeId: string;
  partyId: number;
  url: string;
  up: boolean;
  checkedAtMs: number | null;
  error: string | null;
  committee: { id: string; version: number } | null;
  status: string | null;
}

export class NodeHealth {
  readonly clients: Map<number, NodeClient>;
  private readonly state = new Map<number, NodeStatus>();
  private timer: NodeJS.Timeout | undefined;
  private readonly onChange: (s: NodeStatus) => void;

  constructor(clients: Map<number, NodeClient>, onChange: (s: NodeStatus) => void = () => {}) {
    this.clients = clients;
    this.onChange = onChange;
    for (const [partyId, c] of clients) {
      this.state.set(partyId, {
        nodeId: c.endpoint.nodeId,
        partyId,
        url: c.endpoint.url,
        up: true,
        checkedAtMs: null,
        error: null,
        committee: null,
        status: null,
      });
    }
  }

  isUp(partyId: number): boolean {
    return this.state.get(partyId)?.up ?? false;
  }

  markDown(partyId: number, error: string): void {
    const s = this.state.get(partyId);
    if (!s) return;
    s.up = false;
    s.error = error;
    s.checkedAtMs = Date.now();
    this.onChange(s);
  }

  /** Probes every node's /v1/health now. */
  async probe(): Promise<NodeStatus[]> {
    await Promise.all(
      [...this.clients].map(async ([partyId, client]) => {
        const s = this.state.get(partyId)!;
        try {
          const h = await client.health(5000);
          s.up = h.status !== 'degraded';
          s.error = null;
          s.committee = h.committee;
          s.status = h.status;
        } catch (error) {
          s.up = false;
          s.error = (error as Error).message;
          s.status = null;
        }
        s.checkedAtMs = Date.now();
        this.onChange(s);
      }),
    );
    return this.snapshot();
  }

  snapshot(): NodeStatus[] {
    return [...this.state.values()].map((s) => ({ ...s }));
  }

  /** Probes every `intervalMs` in the background (unref'd: never keeps the process alive). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.probe(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/**
 * Chooses `threshold` signers among `parties`: nodes believed up first, in party order, never
 * one in `exclude`. Null when not enough parties are left.
 */
export function chooseSigners(params: {
  parties: readonly number[];
  threshold: number;
  exclude: ReadonlySet<number>;
  isUp: (partyId: number) => boolean;
}): number[] | null {
  const candidates = params.parties.filter((p) => !params.exclude.has(p));
  const ordered = [...candidates.filter((p) => params.isUp(p)), ...candidates.filter((p) => !params.isUp(p))];
  if (ordered.length < params.threshold) return null;
  return ordered.slice(0, params.threshold).sort((a, b) => a - b);
}
