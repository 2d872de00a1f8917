// In-memory message router for tests and benchmarks. It delivers every message to its
// recipients and, when asked, misbehaves the way a hostile network or party would: drop,
// duplicate, delay (reorder) or tamper with chosen messages.
import type { PartyId } from './party.ts';
import type { ProtocolMessage } from './protocol.ts';

/** A message on its way to one recipient. */
export interface Delivery {
  readonly to: PartyId;
  readonly message: ProtocolMessage;
}

/**
 * Decides what happens to one delivery: return it (possibly modified), several (duplicates),
 * or none (dropped). `delay` re-queues it behind everything currently pending.
 */
export type Fault = (delivery: Delivery, control: { delay(): void }) => Delivery[] | Delivery | null;

export interface Router {
  /** Expands a sent message into its deliveries, applying faults. */
  route(message: ProtocolMessage, recipients: readonly PartyId[]): { now: Delivery[]; later: Delivery[] };
}

export interface InMemoryRouterParameters {
  faults?: readonly Fault[];
}

export class InMemoryRouter implements Router {
  readonly #faults: readonly Fault[];
  /** Every delivery made, in order: lets tests count messages and bytes. */
  readonly log: Delivery[] = [];

  constructor(params: InMemoryRouterParameters = {}) {
    this.#faults = params.faults ?? [];
  }

  route(message: ProtocolMessage, recipients: readonly PartyId[]): { now: Delivery[]; later: Delivery[] } {
    const targets = message.to === null ? recipients.filter((p) => p !== message.from) : [message.to];
    let now: Delivery[] = targets.map((to) => ({ to, message }));
    const later: Delivery[] = [];
    for (const fault of this.#faults) {
      const next: Delivery[] = [];
      for (const d of now) {
        let delayed = false;
        const out = fault(d, { delay: () => (delayed = true) });
        const list = out === null ? [] : Array.isArray(out) ? out : [out];
        (delayed ? later : next).push(...list);
      }
      now = next;
    }
    this.log.push(...now, ...later);
    return { now, later };
  }
}

/** Selects deliveries by round, sender and/or recipient (all optional), for building faults. */
export interface DeliveryMatch {
  round?: number;
  from?: PartyId;
  to?: PartyId;
  /** Only the nth matching delivery (0-based); all matches when omitted. */
  nth?: number;
}

function matcher(match: DeliveryMatch): (d: Delivery) => boolean {
  let seen = 0;
  return (d) => {
    if (match.round !== undefined && d.message.round !== match.round) return false;
    if (match.from !== undefined && d.message.from !== match.from) return false;
    if (match.to !== undefined && d.to !== match.to) return false;
    const index = seen++;
    return match.nth === undefined || match.nth === index;
  };
}

export const faults = {
  drop(match: DeliveryMatch): Fault {
    const m = matcher(match);
    return (d) => (m(d) ? null : d);
  },
  duplicate(match: DeliveryMatch): Fault {
    const m = matcher(match);
    return (d) => (m(d) ? [d, d] : d);
  },
  delay(match: DeliveryMatch): Fault {
    const m = matcher(match);
    return (d, c) => {
      if (m(d)) c.delay();
      return d;
    };
  },
  /** Replaces the payload of matching deliveries with `edit(payload)`. */
  tamper(match: DeliveryMatch, edit: (payload: Uint8Array) => Uint8Array): Fault {
    const m = matcher(match);
    return (d) =>
      m(d) ? { to: d.to, message: { ...d.message, payload: edit(d.message.payload.slice()) } } : d;
  },
  /** Flips one bit of the payload at `byteIndex` (wrapped to the payload length). */
  flipBit(match: DeliveryMatch, byteIndex: number, bit = 0): Fault {
    return faults.tamper(match, (p) => {
      if (p.length === 0) return Uint8Array.of(1);
      p[byteIndex % p.length]! ^= 1 << bit;
      return p;
    });
  },
  /** Arbitrary rewrite of the whole message (e.g. change sender, round or session). */
  rewrite(match: DeliveryMatch, edit: (m: ProtocolMessage) => ProtocolMessage): Fault {
    const m = matcher(match);
    return (d) => (m(d) ? { to: d.to, message: edit(d.message) } : d);
  },
};
