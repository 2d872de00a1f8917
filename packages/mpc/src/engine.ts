// Session engine: runs a set of parties of one protocol in one process, moving their messages
// through a router until every party has finished, one has aborted, or no progress is
// possible (reported as a timeout naming who waits for whom).
import { MpcError, MpcTimeoutError, ProtocolAbortError } from './errors.ts';
import type { PartyId } from './party.ts';
import type { PartyProtocol, ProtocolMessage } from './protocol.ts';
import { type Delivery, InMemoryRouter, type Router } from './router.ts';

export interface RunProtocolParameters<T> {
  parties: readonly PartyProtocol<T>[];
  router?: Router;
  /** Upper bound on deliveries, against protocols that would loop forever. */
  maxDeliveries?: number;
}

export type RunProtocolReturnType<T> = Map<PartyId, T>;

/** Runs every party to completion; returns each party's output. Throws ProtocolAbortError or MpcTimeoutError. */
export function runProtocol<T>(params: RunProtocolParameters<T>): RunProtocolReturnType<T> {
  const { parties } = params;
  const router = params.router ?? new InMemoryRouter();
  const byId = new Map<PartyId, PartyProtocol<T>>();
  for (const p of parties) {
    if (byId.has(p.party)) throw new MpcError('INVALID_PARAMETERS', `party ${p.party} appears twice`);
    byId.set(p.party, p);
  }
  const ids = [...byId.keys()];
  const queue: Delivery[] = [];
  let head = 0;
  const send = (messages: ProtocolMessage[]) => {
    for (const m of messages) {
      const { now, later } = router.route(m, ids);
      queue.push(...now);
      deferred.push(...later);
    }
  };
  let deferred: Delivery[] = [];
  for (const p of parties) send(p.start());
  const max = params.maxDeliveries ?? 1_000_000;
  let delivered = 0;
  for (;;) {
    if (head === queue.length) {
      if (deferred.length === 0) break;
      queue.push(...deferred);
      deferred = [];
    }
    const d = queue[head++]!;
    if (++delivered > max) throw new MpcError('TIMEOUT', `more than ${max} deliveries`);
    const recipient = byId.get(d.to);
    if (!recipient) continue; // addressed to a party that is not running here (e.g. crashed)
    try {
      send(recipient.receive(d.message));
    } catch (error) {
      if (error instanceof ProtocolAbortError && error.detectedBy === null) error.detectedBy = d.to;
      throw error;
    }
  }
  const waiting = new Map<PartyId, PartyId[]>();
  for (const p of parties) if (!p.done) waiting.set(p.party, p.waitingFor());
  if (waiting.size > 0) throw new MpcTimeoutError(waiting);
  return new Map(parties.map((p) => [p.party, p.result()]));
}
