// Direct carrier: POSTs envelope bytes to the peer node's `/v1/transport` endpoint (loopback
// or TLS), using Node's fetch, whose connection pool keeps connections alive between messages.
// Receiving is the node's HTTP server's job: it passes the request body to `deliver`.
import type { DirectCarrier, ReceiveHandler } from './carrier.ts';
import { TransportError } from './errors.ts';

export interface HttpCarrierParameters {
  /** Resolves a node id to its base URL (from the committee), or undefined when unknown. */
  resolve: (nodeId: string) => string | undefined;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
}

export const TRANSPORT_PATH = '/v1/transport';
/** Upper bound on one envelope, enforced by the receiving server before reading further. */
export const MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;

export class HttpCarrier implements DirectCarrier {
  readonly #resolve: HttpCarrierParameters['resolve'];
  readonly #timeoutMs: number;
  #handler: ReceiveHandler | null = null;
  #closed = false;

  constructor(params: HttpCarrierParameters) {
    this.#resolve = params.resolve;
    this.#timeoutMs = params.timeoutMs ?? 10_000;
  }

  async send(to: string, bytes: Uint8Array): Promise<void> {
    if (this.#closed) throw new TransportError('CLOSED', 'carrier is closed');
    const base = this.#resolve(to);
    if (base === undefined) throw new TransportError('UNKNOWN_RECIPIENT', `no address for node ${to}`);
    let response: Response;
    try {
      response = await fetch(new URL(TRANSPORT_PATH, base), {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
      throw new TransportError('SEND_FAILED', `node ${to} unreachable: ${reason}`, { cause: error });
    }
    // Drain the body so the connection returns to the keep-alive pool.
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new TransportError(
        'SEND_FAILED',
        `node ${to} refused the envelope (${response.status}): ${text.slice(0, 200)}`,
      );
    }
  }

  onReceive(handler: ReceiveHandler): void {
    this.#handler = handler;
  }

  /** Called by the HTTP server with a received request body; throws what the handler throws. */
  deliver(bytes: Uint8Array): void {
    if (this.#closed) throw new TransportError('CLOSED', 'carrier is closed');
    if (!this.#handler) throw new TransportError('CLOSED', 'no receiver registered');
    this.#handler(bytes);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handler = null;
  }
}
