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

/**
 * The receiving side every direct carrier shares: one registered handler, fed by `deliver`, and
 * the closed state that makes both sending and delivering fail with CLOSED.
 */
export abstract class DirectCarrierBase implements DirectCarrier {
  #handler: ReceiveHandler | null = null;
  #closed = false;

  abstract send(to: string, bytes: Uint8Array): Promise<void>;

  /** Throws CLOSED once the carrier is closed. */
  protected assertOpen(): void {
    if (this.#closed) throw new TransportError('CLOSED', 'carrier is closed');
  }

  onReceive(handler: ReceiveHandler): void {
    this.#handler = handler;
  }

  /** Called by the node's server with received envelope bytes; throws what the handler throws. */
  deliver(bytes: Uint8Array): void {
    this.assertOpen();
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
