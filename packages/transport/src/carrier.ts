// A carrier moves opaque envelope bytes between nodes and promises nothing else: it may drop,
// duplicate, delay, reorder or tamper (the trust model treats the network and any broker as
// untrusted). Authenticity, confidentiality and ordering come from the envelope layer above it.
// In-memory (tests), direct HTTP (loopback/TLS) and NATS (later) carriers implement this one
// interface; a NATS carrier publishes to a per-node subject and subscribes to its own.

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

export function isDirectCarrier(carrier: Carrier): carrier is DirectCarrier {
  return typeof (carrier as Partial<DirectCarrier>).deliver === 'function';
}
