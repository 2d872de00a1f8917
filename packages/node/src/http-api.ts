// The signer node's HTTP API on 127.0.0.1 (docs/signing-path.md "HTTP API"). JSON in and out;
// every error is `{ error: { code, message } }` with a 4xx/5xx status, and no error, whatever
// the input, crashes the process. POST /v1/transport takes raw envelope bytes from peer nodes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  attachWebSocketTransport,
  isDirectCarrier,
  MAX_ENVELOPE_BYTES,
  TRANSPORT_PATH,
  TransportError,
} from '@cairn/transport';
import { NodeError } from './errors.ts';
import { type Logger, reasonOf } from './log.ts';
import { CosignRefusedError } from './node-audit.ts';
import { JobRefusedError } from './refusal.ts';
import type { SignerNode } from './signer-node.ts';

const MAX_JSON_BYTES = 1024 * 1024;

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const REFUSAL_STATUS: Record<string, number> = {
  INVALID_JOB: 400,
  INVALID_STATEMENT: 400,
  UNKNOWN_VAULT: 404,
  REPLAYED: 409,
  VAULT_EXISTS: 409,
  COMMITTEE_ROLLBACK: 409,
  COMMITTEE_CONFLICT: 409,
  COMMITTEE_MISMATCH: 409,
  NO_COMMITTEE: 503,
  SHUTTING_DOWN: 503,
  UNSUPPORTED_SCHEME: 422,
  AUDIT_UNAVAILABLE: 503,
  POLICY_NOT_CONFIGURED: 409,
  POLICY_BASE_MISMATCH: 409,
  POLICY_INVALID_CHANGE: 400,
  LEDGER_CONFLICT: 409,
};

const NODE_ERROR_STATUS: Record<string, number> = {
  SESSION_TIMEOUT: 504,
  PEER_UNREACHABLE: 502,
  PROTOCOL_ABORTED: 502,
  SESSION_BUSY: 409,
  NO_COMMITTEE: 503,
  SHUTTING_DOWN: 503,
  VAULT_EXISTS: 409,
  UNSUPPORTED_SCHEME: 422,
};

/** Maps any thrown value to a status and a public error body. */
export function errorResponse(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.message };
  if (error instanceof CosignRefusedError)
    return { status: error.status, code: error.code, message: error.message };
  if (error instanceof JobRefusedError)
    return { status: REFUSAL_STATUS[error.code] ?? 403, code: error.code, message: error.message };
  if (error instanceof NodeError)
    return { status: NODE_ERROR_STATUS[error.code] ?? 500, code: error.code, message: error.message };
  if (error instanceof TransportError) return { status: 400, code: error.code, message: error.message };
  return { status: 500, code: 'INTERNAL', message: 'internal error (see the node log)' };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, 'TOO_LARGE', `request body exceeds ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'TOO_LARGE', `request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, MAX_JSON_BYTES);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'the request body is not valid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export interface NodeHttpServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the API on host:port (port 0 picks a free port). */
export async function startHttpApi(params: {
  node: SignerNode;
  host: string;
  port: number;
  log: Logger;
}): Promise<NodeHttpServer> {
  const { node, log } = params;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname}`;
    if (route === `POST ${TRANSPORT_PATH}`) {
      const carrier = node.carrier;
      if (!isDirectCarrier(carrier))
        throw new HttpError(404, 'NOT_FOUND', 'this node does not use a direct carrier');
      const bytes = await readBody(req, MAX_ENVELOPE_BYTES);
      carrier.deliver(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      res.writeHead(202).end();
      return;
    }
    switch (route) {
      case 'GET /v1/health':
        return sendJson(res, 200, node.health());
      case 'GET /metrics': {
        const text = await node.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': node.metrics.registry.contentType });
        res.end(text);
        return;
      }
      case 'POST /v1/committee':
        return sendJson(res, 200, node.installCommittee(await readJson(req)));
      case 'POST /v1/keygen':
        return sendJson(res, 200, await node.keygen(await readJson(req)));
      case 'POST /v1/sign':
        return sendJson(res, 200, await node.sign(await readJson(req)));
      case 'GET /v1/policy': {
        const status = node.policyStatus();
        if (!status) throw new HttpError(404, 'POLICY_NOT_CONFIGURED', 'this node has no policy');
        return sendJson(res, 200, status);
      }
      case 'POST /v1/policy/changes':
        return sendJson(res, 200, await node.applyPolicyChange(await readJson(req)));
      case 'POST /v1/ledger/signed':
        return sendJson(res, 200, node.recordSignedElsewhere(await readJson(req)));
      case 'POST /v1/audit/cosign':
        return sendJson(res, 200, await node.audit.cosign(await readJson(req)));
      case 'GET /v1/audit/keys':
        return sendJson(res, 200, node.audit.keys());
      case 'GET /v1/audit/checkpoint': {
        const cp = await node.audit.checkpoint();
        return sendJson(res, 200, { size: cp.size, note: cp.note });
      }
    }
    const vault = /^\/v1\/vaults\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && vault) {
      const record = node.getVault(decodeURIComponent(vault[1]!));
      if (!record) throw new HttpError(404, 'UNKNOWN_VAULT', `vault ${vault[1]} does not exist on this node`);
      return sendJson(res, 200, record);
    }
    throw new HttpError(404, 'NOT_FOUND', `no route ${route}`);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = errorResponse(error);
      if (e.status >= 500 && e.code === 'INTERNAL')
        log.error('http_request_failed', { route: `${req.method} ${req.url}`, reason: reasonOf(error) });
      const witnessSize = error instanceof CosignRefusedError ? { witnessSize: error.witnessSize } : {};
      if (!res.headersSent)
        sendJson(res, e.status, { error: { code: e.code, message: e.message, ...witnessSize } });
      else res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  // Peers' persistent WebSocket connections (the default direct carrier) arrive on the same port.
  const carrier = node.carrier;
  const websocket = isDirectCarrier(carrier)
    ? attachWebSocketTransport({ server, deliver: (bytes) => carrier.deliver(bytes) })
    : null;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(params.port, params.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : params.port;
  return {
    server,
    url: `http://${params.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        websocket?.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Give in-flight responses (e.g. SHUTTING_DOWN refusals) a moment, then cut the rest.
        setTimeout(() => server.closeAllConnections(), 500).unref();
      }),
  };
}
