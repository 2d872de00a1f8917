// In-memory carrier for tests: every node of an InMemoryNetwork gets a carrier; delivery is
// asynchronous (like a real network), and an optional interceptor sees every envelope in
// flight so tests can drop, duplicate, reorder or tamper with them.
import type { Carrier, ReceiveHandler } from './carrier.ts';
import { TransportError } from './errors.ts';

export interface InFlight {
  from: string;
  to: string;
  bytes: Uint8Array;
}

/** Returns the envelopes to deliver instead (none = drop, several = duplicate, edited = tamper). */
export type Interceptor = (envelope: InFlight) => InFlight[];

export class InMemoryNetwork {
  readonly #handlers = new Map<string, ReceiveHandler>();
  readonly #down = new Set<string>();
  interceptor: Interceptor | null = null;
  /** Every envelope handed to the network, in order. */
  readonly sent: InFlight[] = [];
  /** Envelopes the receiving node refused, with its error. */
  readonly rejected: { to: string; error: unknown }[] = [];

  carrier(nodeId: string): Carrier {
    const network = this;
    let closed = false;
    return {
      async send(to, bytes) {
        if (closed) throw new TransportError('CLOSED', 'carrier is closed');
        network.#dispatch({ from: nodeId, to, bytes: bytes.slice() });
      },
      onReceive(handler) {
        network.#handlers.set(nodeId, handler);
      },
      async close() {
        closed = true;
        network.#handlers.delete(nodeId);
      },
    };
  }

  /** Makes a node unreachable (sends to it fail), like a crashed process. */
  setDown(nodeId: string, down: boolean): void {
    if (down) this.#down.add(nodeId);
    else this.#down.delete(nodeId);
  }

  /** Delivers raw bytes to a node as if they came off the wire (for replay and forgery tests). */
  inject(to: string, bytes: Uint8Array): void {
    this.#handle(to, bytes);
  }

  #handle(to: string, bytes: Uint8Array): void {
    try {
      this.#handlers.get(to)?.(bytes);
    } catch (error) {
      this.rejected.push({ to, error });
    }
  }

  #dispatch(envelope: InFlight): void {
    if (this.#down.has(envelope.to) || !this.#handlers.has(envelope.to)) {
      throw new TransportError('SEND_FAILED', `node ${envelope.to} is unreachable`);
    }
    this.sent.push(envelope);
    const out = this.interceptor ? this.interceptor(envelope) : [envelope];
    for (const e of out) {
      setImmediate(() => this.#handle(e.to, e.bytes));
    }
  }
}
