// Direct carrier: POSTs envelope bytes to the peer node's `/v1/transport` endpoint (loopback
// or TLS), using Node's fetch, whose connection pool keeps connections alive between messages.
// Receiving is the node's HTTP server's job: it passes the request body to `deliver`.
import { DirectCarrierBase } from './carrier.ts';
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

export class HttpCarrier extends DirectCarrierBase {
  readonly #resolve: HttpCarrierParameters['resolve'];
  readonly #timeoutMs: number;

  constructor(params: HttpCarrierParameters) {
    super();
    this.#resolve = params.resolve;
    this.#timeoutMs = params.timeoutMs ?? 10_000;
  }

  async send(to: string, bytes: Uint8Array): Promise<void> {
    this.assertOpen();
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
}
