// An in-test stand-in for the signer-node HTTP API, used ONLY to test coordinator-internal logic
// (admission, state machine, retries, persistence, restart). It signs with one ordinary
// secp256k1 key shared by all fake nodes. The acceptance tests (e2e.test.ts) run real nodes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { evmSigningPayload } from '@cairn/chains';
import type { Witness } from '@cairn/audit';
import type { SignJob } from '@cairn/node';
import { secp256k1 } from '@noble/curves/secp256k1.js';

export const FAKE_SECRET = secp256k1.utils.randomSecretKey();
export const FAKE_PUBLIC_KEY = `0x${Buffer.from(secp256k1.getPublicKey(FAKE_SECRET, true)).toString('hex')}`;

export type FakeBehaviour =
  | { kind: 'ok' }
  | { kind: 'refuse'; code: string; message: string }
  /** Abort the session (as when a peer is silent), `times` times, then sign normally. */
  | { kind: 'abort'; times: number }
  /** Answer only once `release` resolves (a slow signing session). */
  | { kind: 'hold'; release: Promise<void> };

export class FakeNode {
  readonly partyId: number;
  behaviour: FakeBehaviour = { kind: 'ok' };
  jobs: SignJob[] = [];
  keygens = 0;
  /** Bodies of POST /v1/ledger/signed received (velocity-ledger notices). */
  ledgerNotices: unknown[] = [];
  /** When set, ledger notices are refused with this code (403). */
  refuseLedgerNotices: string | null = null;
  /** When set, the node cosigns the coordinator's audit checkpoints (POST /v1/audit/cosign). */
  witness: Witness | null = null;
  private server: Server | undefined;
  url = '';

  constructor(partyId: number) {
    this.partyId = partyId;
  }

  get nodeId() {
    return `fake-${this.partyId}`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const send = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (req.url === '/v1/health') {
          return send(200, {
            nodeId: this.nodeId,
            partyId: this.partyId,
            signingKey: `0x${'11'.repeat(32)}`,
            encryptionKey: `0x${'22'.repeat(32)}`,
            committee: { id: 'fake', version: 1 },
            status: 'ok',
          });
        }
        if (req.url === '/v1/audit/keys' && this.witness) {
          return send(200, { witness: { name: this.witness.name, verifierKey: this.witness.verifierKey } });
        }
        if (req.url === '/v1/audit/cosign' && this.witness) {
          const r = JSON.parse(body) as { oldSize: number; consistencyProof: string[]; checkpoint: string };
          this.witness
            .addCheckpoint({
              oldSize: r.oldSize,
              consistencyProof: r.consistencyProof.map((h) => Uint8Array.from(Buffer.from(h, 'hex'))),
              checkpoint: r.checkpoint,
            })
            .then(
              (cosignature) => send(200, { cosignature }),
              (e: { code?: string; message?: string; witnessSize?: number | null }) =>
                send(409, { error: { code: e.code, message: e.message, witnessSize: e.witnessSize } }),
            );
          return;
        }
        if (req.url === '/v1/ledger/signed') {
          if (this.refuseLedgerNotices)
            return send(403, { error: { code: this.refuseLedgerNotices, message: 'refused by the test' } });
          const notice = JSON.parse(body) as { request: { body: { requestId: string } } };
          this.ledgerNotices.push(notice);
          return send(200, { requestId: notice.request.body.requestId, recorded: true });
        }
        if (req.url === '/v1/keygen') {
          this.keygens++;
          const job = JSON.parse(body);
          return send(200, {
            vaultId: job.vaultId,
            keyId: `${job.vaultId}/1`,
            scheme: job.scheme,
            publicKey: FAKE_PUBLIC_KEY,
          });
        }
        if (req.url === '/v1/sign') {
          const job = JSON.parse(body) as SignJob;
          this.jobs.push(job);
          const b = this.behaviour;
          if (b.kind === 'hold') {
            void b.release.then(() => this.answer(job, send));
            return;
          }
          if (b.kind === 'refuse') return send(403, { error: { code: b.code, message: b.message } });
          if (b.kind === 'abort') {
            if (--b.times <= 0) this.behaviour = { kind: 'ok' };
            return send(503, { error: { code: 'SESSION_TIMEOUT', message: 'peer silent' } });
          }
          return this.answer(job, send);
        }
        send(404, { error: { code: 'NOT_FOUND', message: req.url ?? '' } });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private answer(job: SignJob, send: (status: number, value: unknown) => void): void {
    const payload = evmSigningPayload(job.request.body);
    const sig = secp256k1.Signature.fromBytes(
      secp256k1.sign(payload, FAKE_SECRET, { prehash: false, format: 'recovered' }),
      'recovered',
    );
    const hex = (n: bigint) => `0x${n.toString(16).padStart(64, '0')}`;
    send(200, {
      requestId: job.request.body.requestId,
      signature: { r: hex(sig.r), s: hex(sig.s), yParity: sig.recovery },
      publicKey: FAKE_PUBLIC_KEY,
      payload: `0x${Buffer.from(payload).toString('hex')}`,
    });
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const s = this.server;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
