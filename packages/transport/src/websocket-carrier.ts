// Direct carrier over WebSocket: one persistent connection per peer (`ws://<peer>/v1/transport/ws`,
// on the node's HTTP port), binary frames, and a per-frame acknowledgement so a sender learns at
// once when the peer refused an envelope (e.g. for a session it has closed), as with HTTP.
//
//   data frame: 0x01 | id u32 | envelope bytes
//   ack frame:  0x02 | id u32 | ok u8 | code (u32-prefixed UTF-8) | message (u32-prefixed UTF-8)
//
// The connection is only a pipe: envelopes stay signed and encrypted end to end, and the
// receiving node's SecureTransport checks every one of them.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Reader, Writer } from '@cairn/mpc';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { DirectCarrierBase, type DirectCarrierParameters } from './carrier.ts';
import { TransportError } from './errors.ts';
import { MAX_ENVELOPE_BYTES } from './http-carrier.ts';

export const WEBSOCKET_TRANSPORT_PATH = '/v1/transport/ws';
const DATA = 0x01;
const ACK = 0x02;

interface Pending {
  readonly to: string;
  resolve(): void;
  reject(error: TransportError): void;
  timer: NodeJS.Timeout;
}

interface Connection {
  readonly socket: WebSocket;
  readonly ready: Promise<void>;
  readonly pending: Map<number, Pending>;
  nextId: number;
}

/** `timeoutMs` bounds each envelope's acknowledgement. */
export type WebSocketCarrierParameters = DirectCarrierParameters;

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export class WebSocketCarrier extends DirectCarrierBase {
  readonly #connections = new Map<string, Connection>();

  async send(to: string, bytes: Uint8Array): Promise<void> {
    const base = this.baseUrlOf(to);
    const conn = this.#connection(base);
    try {
      await conn.ready;
    } catch (error) {
      throw new TransportError('SEND_FAILED', `node ${to} unreachable: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const id = conn.nextId;
    conn.nextId = (conn.nextId + 1) >>> 0;
    const frame = new Uint8Array(5 + bytes.length);
    frame[0] = DATA;
    new DataView(frame.buffer).setUint32(1, id);
    frame.set(bytes, 5);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        conn.pending.delete(id);
        reject(
          new TransportError('SEND_FAILED', `node ${to} did not acknowledge within ${this.timeoutMs} ms`),
        );
      }, this.timeoutMs);
      conn.pending.set(id, { to, resolve, reject, timer });
      conn.socket.send(frame, (error) => {
        if (!error) return;
        clearTimeout(timer);
        conn.pending.delete(id);
        reject(
          new TransportError('SEND_FAILED', `node ${to} unreachable: ${error.message}`, { cause: error }),
        );
      });
    });
  }

  #connection(base: string): Connection {
    const existing = this.#connections.get(base);
    if (existing && existing.socket.readyState <= WebSocket.OPEN) return existing;
    const url = new URL(WEBSOCKET_TRANSPORT_PATH, base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 16 * 1024 });
    const pending = new Map<number, Pending>();
    const ready = new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('close', () => reject(new Error('connection closed')));
      socket.once('error', (error) => reject(error));
    });
    ready.catch(() => {}); // observed by senders; never an unhandled rejection
    const conn: Connection = { socket, ready, pending, nextId: 1 };
    socket.on('error', () => {}); // followed by 'close', handled there
    socket.on('message', (data) => {
      let id: number;
      let ok: boolean;
      let code: string;
      let message: string;
      try {
        const r = new Reader(toBytes(data));
        if (r.u8() !== ACK) throw new Error('not an ack');
        id = r.u32();
        ok = r.u8() === 1;
        code = r.string(64);
        message = r.string(8192);
        r.end();
      } catch {
        socket.terminate(); // a peer speaking nonsense: drop the connection
        return;
      }
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      clearTimeout(p.timer);
      if (ok) p.resolve();
      else
        p.reject(
          new TransportError('SEND_FAILED', `node ${p.to} refused the envelope (${code}): ${message}`),
        );
    });
    socket.on('close', () => {
      if (this.#connections.get(base) === conn) this.#connections.delete(base);
      for (const [, p] of pending) {
        clearTimeout(p.timer);
        p.reject(
          new TransportError('SEND_FAILED', `node ${p.to} closed the connection before acknowledging`),
        );
      }
      pending.clear();
    });
    this.#connections.set(base, conn);
    return conn;
  }

  override async close(): Promise<void> {
    await super.close();
    for (const conn of this.#connections.values()) conn.socket.terminate();
    this.#connections.clear();
  }
}

/**
 * Serves the WebSocket transport endpoint on an existing HTTP server: each data frame is passed
 * to `deliver` and acknowledged (ok, or the TransportError code that refused it).
 */
export function attachWebSocketTransport(params: { server: Server; deliver: (bytes: Uint8Array) => void }): {
  close(): void;
} {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_ENVELOPE_BYTES + 5,
    perMessageDeflate: false,
  });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== WEBSOCKET_TRANSPORT_PATH) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => {
        const bytes = toBytes(data);
        if (bytes.length < 5 || bytes[0] !== DATA) {
          ws.terminate();
          return;
        }
        const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
        let ok = 1;
        let code = '';
        let message = '';
        try {
          params.deliver(bytes.subarray(5));
        } catch (error) {
          ok = 0;
          code = error instanceof TransportError ? error.code : 'MALFORMED_ENVELOPE';
          message =
            error instanceof TransportError ? error.message.slice(0, 500) : 'envelope could not be processed';
        }
        ws.send(new Writer().u8(ACK).u32(id).u8(ok).string(code).string(message).finish());
      });
    });
  };
  params.server.on('upgrade', onUpgrade);
  return {
    close() {
      params.server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
