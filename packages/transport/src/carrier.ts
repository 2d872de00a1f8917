// A carrier moves opaque envelope bytes between nodes and promises nothing else: it may drop,
// duplicate, delay, reorder or tamper (the trust model treats the network and any broker as
// untrusted). Authenticity, confidentiality and ordering come from the envelope layer above it.
// In-memory (tests), direct HTTP (loopback/TLS) and NATS (later) carriers implement this one
// interface; a NATS carrier publishes to a per-node subject and subscribes to its own.

import { TransportError } from './errors.ts';

/** Handles one received envelope; a rejection (thrown or returned) is reported back where the carrier can. */
export type ReceiveHandler = (bytes: Uint8Array) => void;

export interface Carrier {
  /** Sends envelope bytes to a node. Rejects (TransportError SEND_FAILED) when delivery surely failed. */
  send(to: string, bytes: Uint8Array): Promise<void>;
  /** Registers the handler for envelopes addressed to this node (one handler). */
  onReceive(handler: ReceiveHandler): void;
  close(): Promise<void>;
}

/** A carrier whose receiving side is the node's own server (HTTP POST, WebSocket): it is handed received bytes. */
export interface DirectCarrier extends Carrier {
  deliver(bytes: Uint8Array): void;
}

/** How a direct carrier finds its peers and how long it waits for one. */
export interface DirectCarrierParameters {
  /** Resolves a node id to its base URL (http://host:port, from the committee), or undefined when unknown. */
  resolve: (nodeId: string) => string | undefined;
  /** Per-envelope timeout in milliseconds (default 10 s): the HTTP request, or the acknowledgement. */
  timeoutMs?: number;
}

/**
 * What every direct carrier shares: peer addresses and the send timeout; on the receiving side,
 * one registered handler fed by `deliver`; and the closed state that makes both sending and
 * delivering fail with CLOSED.
 */
export abstract class DirectCarrierBase implements DirectCarrier {
  readonly #resolve: DirectCarrierParameters['resolve'];
  protected readonly timeoutMs: number;
  #handler: ReceiveHandler | null = null;
  #closed = false;

  constructor(params: DirectCarrierParameters) {
    this.#resolve = params.resolve;
    this.timeoutMs = params.timeoutMs ?? 10_000;
  }

  abstract send(to: string, bytes: Uint8Array): Promise<void>;

  /** Throws CLOSED once the carrier is closed. */
  #assertOpen(): void {
    if (this.#closed) throw new TransportError('CLOSED', 'carrier is closed');
  }

  /** The base URL of node `to`, for sending; throws CLOSED once closed, UNKNOWN_RECIPIENT for an unknown node. */
  protected baseUrlOf(to: string): string {
    this.#assertOpen();
    const base = this.#resolve(to);
    if (base === undefined) throw new TransportError('UNKNOWN_RECIPIENT', `no address for node ${to}`);
    return base;
  }

  onReceive(handler: ReceiveHandler): void {
    this.#handler = handler;
  }

  /** Called by the node's server with received envelope bytes; throws what the handler throws. */
  deliver(bytes: Uint8Array): void {
    this.#assertOpen();
    if (!this.#handler) throw new TransportError('CLOSED', 'no receiver registered');
    this.#handler(bytes);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handler = null;
  }
}

export function isDirectCarrier(carrier: Carrier): carrier is DirectCarrier {
  return typeof (carrier as Partial<DirectCarrier>).deliver === 'function';
}
