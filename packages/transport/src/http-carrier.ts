// Direct carrier: POSTs envelope bytes to the peer node's `/v1/transport` endpoint (loopback
// or TLS), using Node's fetch, whose connection pool keeps connections alive between messages.
// Receiving is the node's HTTP server's job: it passes the request body to `deliver`.
import { DirectCarrierBase, type DirectCarrierParameters } from './carrier.ts';
import { TransportError } from './errors.ts';

/** `timeoutMs` bounds each POST. */
export type HttpCarrierParameters = DirectCarrierParameters;

export const TRANSPORT_PATH = '/v1/transport';
/** Upper bound on one envelope, enforced by the receiving server before reading further. */
export const MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;

export class HttpCarrier extends DirectCarrierBase {
  async send(to: string, bytes: Uint8Array): Promise<void> {
    const base = this.baseUrlOf(to);
    let response: Response;
    try {
      response = await fetch(new URL(TRANSPORT_PATH, base), {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(this.timeoutMs),
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
