// `npm run bench -- e2e`: the whole signing path on loopback — the coordinator process, three
// signer-node processes and anvil (a real DevCluster) — measured from the API client's side.
//   request → signature: coordinator-recorded time from `received` to `signed` (persisted)
//   request → receipt:   from `received` to `confirmed` (anvil automine)
//   sustained:           signatures per second with many personal-message requests in flight
//   ed25519 request → signature: `ed25519.message` requests on a FROST Ed25519 2-of-3 vault
// Peer reference: mpcium's PUBLISHED figures (not measured here): 434 ms per signature at best
// and 266 signatures per minute (github.com/fystack/mpcium README).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvmTransaction } from '@cairn/chains';
import {
  CoordinatorClient,
  createVaultOperation,
  DevCluster,
  fundVaultOperation,
  operatorContext,
  type RequestView,
} from '@cairn/coordinator';
import { NO_CHAIN_ID, type SignRequestBody, signSignRequest } from '@cairn/node';
import { quantile, report } from './harness.ts';

const SUITE = 'e2e';
const PEER = {
  peer: 'mpcium (published, not measured)',
  peer_p50_ms: 434,
  peer_signatures_per_min: 266,
  peer_ops_per_s: 266 / 60,
};
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const recipient = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50_ms: round3(quantile(sorted, 0.5)),
    p95_ms: round3(quantile(sorted, 0.95)),
    samples: sorted.length,
  };
}

function eventMs(r: RequestView, state: string): number {
  const e = r.events.find((x) => x.state === state);
  if (!e)
    throw new Error(
      `request ${r.requestId} never reached ${state} (state ${r.state}: ${r.error?.message ?? ''})`,
    );
  return Date.parse(e.at);
}

export default async function e2eBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-e2e-'));
  const cluster = await DevCluster.start({
    dir,
    coordinatorPort: 0,
    coordinatorConfig: { receiptPollMs: 10, healthIntervalMs: 5000 },
  });
  try {
    const ctx = operatorContext({ cwd: dir, env: {}, devDir: dir });
    const api = new CoordinatorClient(cluster.coordinatorUrl);
    const key = ctx.initiatorKey();

    /** Signs and submits a request (fresh ids and nonce, five-minute expiry) and waits until it settles. */
    async function submitAndWait(
      fields: Omit<
        SignRequestBody,
        'requestId' | 'idempotencyKey' | 'derivationPath' | 'nonce' | 'createdAt' | 'expiresAt'
      >,
    ): Promise<RequestView> {
      const now = Math.floor(Date.now() / 1000);
      const body: SignRequestBody = {
        requestId: randomUUID(),
        idempotencyKey: randomUUID(),
        derivationPath: [],
        nonce: `0x${randomBytes(16).toString('hex')}`,
        createdAt: now,
        expiresAt: now + 300,
        ...fields,
      };
      await api.submit(signSignRequest(body, key));
      return api.waitForRequest(body.requestId);
    }

    /** `received` → `signed` of a message request, which must have been signed. */
    function signedMs(r: RequestView, what: string): number {
      if (r.state !== 'signed') throw new Error(`${what} request ${r.state}: ${r.error?.message}`);
      return eventMs(r, 'signed') - eventMs(r, 'received');
    }

    async function vaultFor(scheme: string, name: string) {
      try {
        return await createVaultOperation(ctx, { name, threshold: 2, scheme });
      } catch (error) {
        process.stderr.write(`bench e2e: no ${scheme} vault: ${(error as Error).message}\n`);
        return null;
      }
    }

    const ecdsa = await vaultFor('dkls23-secp256k1', 'bench-ecdsa');
    if (ecdsa) {
      await fundVaultOperation(ctx, { vault: ecdsa.name, amount: '100' });
      const params = {
        scheme: 'dkls23-secp256k1',
        threshold: 2,
        parties: 3,
        transport: 'loopback HTTP',
        processes: 5,
      };
      const submitTransfer = async () => {
        const prepared = await api.prepareTransfer(ecdsa.vaultId, { to: recipient, amount: '0.0001' });
        return submitAndWait({
          vaultId: ecdsa.vaultId,
          kind: 'evm.transaction',
          chainId: prepared.chainId,
          transaction: prepared.transaction as EvmTransaction,
        });
      };
      // Sequential transfers: request → signature and request → receipt.
      for (let i = 0; i < 2; i++) await submitTransfer();
      const toSignature: number[] = [];
      const toReceipt: number[] = [];
      const started = performance.now();
      for (let i = 0; i < 30 && performance.now() - started < 30_000; i++) {
        const r = await submitTransfer();
        const received = eventMs(r, 'received');
        toSignature.push(eventMs(r, 'signed') - received);
        toReceipt.push(eventMs(r, 'confirmed') - received);
      }
      const sig = stats(toSignature);
      report(
        {
          suite: SUITE,
          name: 'ecdsa-2of3 request→signature',
          params,
          ...sig,
          ops_per_s: round3(1000 / sig.p50_ms),
        },
        {
          ...PEER,
          target_p50_ms: 150,
          meets_target: sig.p50_ms <= 150,
          speedup_vs_peer: round3(434 / sig.p50_ms),
        },
      );
      const rec = stats(toReceipt);
      report(
        {
          suite: SUITE,
          name: 'ecdsa-2of3 request→receipt',
          params: { ...params, chain: 'anvil automine' },
          ...rec,
          ops_per_s: round3(1000 / rec.p50_ms),
        },
        PEER,
      );

      // Sustained: personal-message requests, `inFlight` at a time, for a fixed count.
      const total = 80;
      const inFlight = 8;
      const message = async (i: number) =>
        signedMs(
          await submitAndWait({
            vaultId: ecdsa.vaultId,
            kind: 'evm.personal-message',
            chainId: cluster.anvil.chainId,
            message: `0x${Buffer.from(`cairn bench message ${i}`).toString('hex')}`,
          }),
          'message',
        );
      let next = 0;
      const latencies: number[] = [];
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < total) latencies.push(await message(next++));
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      const rate = round3(total / seconds);
      report(
        {
          suite: SUITE,
          name: 'ecdsa-2of3 sustained signatures',
          params: { ...params, kind: 'evm.personal-message', requests: total, in_flight: inFlight },
          ...stats(latencies),
          ops_per_s: rate,
        },
        {
          ...PEER,
          target_ops_per_s: 20,
          meets_target: rate >= 20,
          signatures_per_min: round3(rate * 60),
          speedup_vs_peer: round3(rate / (266 / 60)),
        },
      );
    }

    // Ed25519 2-of-3 through the same path: `ed25519.message` requests (no chain, nothing
    // broadcast) signed by a FROST Ed25519 vault, sequentially, `received` → `signed`.
    const ed = await vaultFor('frost-ed25519', 'bench-ed25519');
    if (ed) {
      const submitMessage = async (i: number) =>
        signedMs(
          await submitAndWait({
            vaultId: ed.vaultId,
            kind: 'ed25519.message',
            chainId: NO_CHAIN_ID,
            message: `0x${Buffer.from(`cairn bench ed25519 message ${i}`).toString('hex')}`,
          }),
          'ed25519',
        );
      for (let i = 0; i < 2; i++) await submitMessage(i);
      const toSignature: number[] = [];
      const started = performance.now();
      for (let i = 0; i < 30 && performance.now() - started < 30_000; i++)
        toSignature.push(await submitMessage(i));
      const sig = stats(toSignature);
      report(
        {
          suite: SUITE,
          name: 'ed25519-2of3 request→signature',
          params: {
            scheme: 'frost-ed25519',
            threshold: 2,
            parties: 3,
            transport: 'loopback HTTP',
            processes: 5,
            kind: 'ed25519.message',
          },
          ...sig,
          ops_per_s: round3(1000 / sig.p50_ms),
        },
        {
          ...PEER,
          target_p50_ms: 150,
          meets_target: sig.p50_ms <= 150,
          speedup_vs_peer: round3(434 / sig.p50_ms),
        },
      );
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
