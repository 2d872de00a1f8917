// A signer node as a witness of the coordinator's audit log, reached over its HTTP API
// (docs/audit.md "Checkpoints and witnesses"). The node verifies the checkpoint against the last
// tree head it cosigned, in its own store, and answers with a cosignature/v1 line or a refusal;
// the coordinator is trusted for nothing here.
import {
  AuditError,
  type AddCheckpointRequest,
  type AuditErrorCode,
  type WitnessClient,
  WitnessRefusedError,
} from '@cairn/audit';

export interface HttpWitnessParameters {
  /** The witness key name (as in its cosignature lines and in the keys file). */
  name: string;
  /** The node's base URL. */
  url: string;
  /** Route of the node's cosigning endpoint. */
  path?: string;
  timeoutMs?: number;
}

/** The witness key name a signer node uses (packages/node/src/node-audit.ts). */
export function witnessNameOfNode(nodeId: string): string {
  return `cairn/witness/${nodeId}`;
}

/** A node's witness verifier key, from its GET /v1/audit/keys. */
export async function fetchWitnessKey(url: string, timeoutMs = 5000): Promise<string> {
  const r = await fetch(new URL('/v1/audit/keys', url), { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await r.json()) as { witness?: { verifierKey?: unknown } };
  if (!r.ok || typeof body.witness?.verifierKey !== 'string') throw new Error(`no witness key at ${url}`);
  return body.witness.verifierKey;
}

/** Default route of a node's witness endpoint. */
export const WITNESS_PATH = '/v1/audit/cosign';

export class HttpWitness implements WitnessClient {
  readonly name: string;
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(p: HttpWitnessParameters) {
    this.name = p.name;
    this.#url = new URL(p.path ?? WITNESS_PATH, p.url).toString();
    this.#timeoutMs = p.timeoutMs ?? 10_000;
  }

  async addCheckpoint(request: AddCheckpointRequest): Promise<string> {
    const response = await fetch(this.#url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        oldSize: request.oldSize,
        consistencyProof: request.consistencyProof.map((h) => Buffer.from(h).toString('hex')),
        checkpoint: request.checkpoint,
      }),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const body = (await response.json().catch(() => null)) as {
      cosignature?: unknown;
      error?: { code?: unknown; message?: unknown; witnessSize?: unknown };
    } | null;
    if (response.ok && typeof body?.cosignature === 'string') return body.cosignature;
    const code = (typeof body?.error?.code === 'string' ? body.error.code : 'STORAGE') as AuditErrorCode;
    const message = typeof body?.error?.message === 'string' ? body.error.message : `HTTP ${response.status}`;
    const size = body?.error?.witnessSize;
    if (response.status >= 500 && code === 'STORAGE') throw new AuditError('STORAGE', message);
    throw new WitnessRefusedError(this.name, code, message, typeof size === 'number' ? size : null);
  }
}
