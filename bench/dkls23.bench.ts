// DKLs23 (secp256k1 threshold ECDSA): Cairn's TypeScript implementation against the
// @0xcarbon/dkls23-wasm build of the Rust reference (0xCarbon/DKLs23), same operations, same
// process, all parties in one process. Prints one JSON line per case (see bench/harness.ts).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  dkls23,
  InMemoryRouter,
  type KeyShare,
  type PartyId,
  type Presignature,
  runProtocol,
} from '@cairn/mpc';
import { compare, measure, report } from './harness.ts';

const SUITE = 'dkls23';
const sid = () => new Uint8Array(randomBytes(32));
const hash = () => new Uint8Array(randomBytes(32));
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

function dkg(t: number, n: number): Map<PartyId, KeyShare> {
  const s = sid();
  const parties = range(n);
  return runProtocol({
    parties: parties.map((party) => dkls23.dkg({ sessionId: s, party, parties, threshold: t })),
  });
}

function sign(shares: readonly KeyShare[], router?: InMemoryRouter) {
  const s = sid();
  const message = hash();
  const signers = shares.map((x) => x.party);
  return runProtocol({
    router,
    parties: shares.map((share) => dkls23.sign({ sessionId: s, share, signers, message })),
  });
}

function presign(shares: readonly KeyShare[]): Map<PartyId, Presignature> {
  const s = sid();
  const signers = shares.map((x) => x.party);
  return runProtocol({ parties: shares.map((share) => dkls23.presign({ sessionId: s, share, signers })) });
}

function online(shares: readonly KeyShare[], pre: Map<PartyId, Presignature>, router?: InMemoryRouter) {
  const s = sid();
  const message = hash();
  return runProtocol({
    router,
    parties: shares.map((share) =>
      dkls23.signWithPresignature({ sessionId: s, share, presignature: pre.get(share.party)!, message }),
    ),
  });
}

// ---- the WASM peer (its bindings take and return serde-serialised JS objects) ----

// biome-ignore lint/suspicious/noExplicitAny: the peer's bindings are untyped
type Any = any;

function loadPeer(): Any {
  const require = createRequire(import.meta.url);
  const dir = require.resolve('@0xcarbon/dkls23-wasm/package.json').replace(/package\.json$/, '');
  return import(`${dir}dkls23_wasm.js`).then((w: Any) => {
    w.initSync(readFileSync(`${dir}dkls23_wasm_bg.wasm`));
    return w;
  });
}

const to = (list: Any[], i: number) => list.flat().filter((m: Any) => m.parties.receiver === i);
const unwrap = (x: Any) => (x && typeof x === 'object' && 'Ok' in x ? x.Ok : x);

function peerDkg(w: Any, t: number, n: number): Any[] {
  const session = [...randomBytes(32)];
  const data = (i: number) => ({
    parameters: { threshold: t, share_count: n },
    party_index: i,
    session_id: session,
  });
  const ids = range(n);
  const p1 = ids.map((i) => w.phase1_wasm_binding(data(i)));
  const p2 = ids.map((i) =>
    unwrap(
      w.phase2_wasm_binding(
        data(i),
        ids.map((j) => p1[j - 1][i - 1]),
      ),
    ),
  );
  const p3 = ids.map((i) => unwrap(w.phase3_wasm_binding(data(i), p2[i - 1][2], p2[i - 1][4])));
  return ids.map((i) =>
    unwrap(
      w.phase4_wasm_binding(
        data(i),
        p2[i - 1][0],
        p2.map((x: Any) => x[1]),
        p3[i - 1][0],
        to(
          p2.map((x: Any) => x[3]),
          i,
        ),
        to(
          p3.map((x: Any) => x[1]),
          i,
        ),
        p3[i - 1][2],
        to(
          p3.map((x: Any) => x[3]),
          i,
        ),
        new Map(p2.map((x: Any) => [x[5].sender_index, x[5]])),
        new Map(p3.map((x: Any) => [x[4].sender_index, x[4]])),
      ),
    ),
  );
}

interface PeerPresigned {
  signers: Any[];
  data: (p: Any) => Any;
  r2: Any[];
  bytes: number;
}

function peerPresign(w: Any, signers: Any[]): PeerPresigned {
  const message = [...randomBytes(32)];
  const signId = [...randomBytes(32)];
  const data = (p: Any) => ({
    sign_id: signId,
    counterparties: signers.filter((q) => q !== p).map((q: Any) => q.party_index),
    message_hash: message,
  });
  const r1 = signers.map((p) => unwrap(w.sign_phase1(p, data(p))));
  const t1 = r1.map((x: Any) => x[2]);
  const r2 = signers.map((p, i) =>
    unwrap(w.sign_phase2(p, data(p), r1[i][0], r1[i][1], to(t1, p.party_index))),
  );
  return { signers, data, r2, bytes: JSON.stringify(t1).length };
}

function peerOnline(w: Any, pre: PeerPresigned): { signature: Any; bytes: number } {
  const { signers, data, r2 } = pre;
  const t2 = r2.map((x: Any) => x[2]);
  const r3 = signers.map((p, i) =>
    unwrap(w.sign_phase3(p, data(p), r2[i][0], r2[i][1], to(t2, p.party_index))),
  );
  const broadcasts = r3.map((x: Any) => x[1]);
  const r4 = signers.map((p, i) => unwrap(w.sign_phase4(p, data(p), r3[i][0], broadcasts, true)));
  if (typeof r4[0]?.[0] !== 'string') throw new Error('peer signing failed');
  return {
    signature: r4[0],
    bytes: JSON.stringify(t2).length + JSON.stringify(broadcasts).length * (signers.length - 1),
  };
}

function payloadBytes(router: InMemoryRouter): number {
  return router.log.reduce((sum, d) => sum + d.message.payload.length, 0);
}

export default async function main(): Promise<void> {
  const peer = await loadPeer();
  for (const [t, n] of [
    [2, 3],
    [3, 5],
  ] as const) {
    const params = { t, n };
    await compare(
      { suite: SUITE, name: 'dkg', params, fn: () => dkg(t, n), iterations: 10, warmup: 1, budgetMs: 10_000 },
      {
        suite: SUITE,
        name: 'dkg',
        params,
        fn: () => peerDkg(peer, t, n),
        // The peer's key generation takes seconds: fewer samples, no warm-up beyond the first.
        iterations: 3,
        warmup: t === 2 ? 1 : 0,
        peer: '@0xcarbon/dkls23-wasm',
      },
    );

    const shares = [...dkg(t, n).values()].slice(n - t);
    const peerParties = peerDkg(peer, t, n).slice(n - t);
    const pairs = (t * (t - 1)) / 2;

    await compare(
      { suite: SUITE, name: 'sign', params, fn: () => sign(shares), iterations: 40 },
      {
        suite: SUITE,
        name: 'sign',
        params,
        fn: () => peerOnline(peer, peerPresign(peer, peerParties)),
        iterations: 20,
        peer: '@0xcarbon/dkls23-wasm',
      },
    );

    await compare(
      { suite: SUITE, name: 'presign', params, fn: () => presign(shares), iterations: 40 },
      {
        suite: SUITE,
        name: 'presign (peer: phases 1–2)',
        params,
        fn: () => peerPresign(peer, peerParties),
        iterations: 20,
        peer: '@0xcarbon/dkls23-wasm',
      },
    );

    // Online phase: each sample consumes a fresh presignature (made outside the timed region).
    const stock: Map<PartyId, Presignature>[] = [];
    const peerStock: PeerPresigned[] = [];
    for (let i = 0; i < 60; i++) stock.push(presign(shares));
    for (let i = 0; i < 30; i++) peerStock.push(peerPresign(peer, peerParties));
    await compare(
      { suite: SUITE, name: 'online', params, fn: () => online(shares, stock.pop()!), iterations: 50 },
      {
        suite: SUITE,
        name: 'online (peer: phases 3–4)',
        params,
        fn: () => peerOnline(peer, peerStock.pop()!),
        iterations: 25,
        peer: '@0xcarbon/dkls23-wasm',
      },
    );

    const router = new InMemoryRouter();
    sign(shares, router);
    const peerPre = peerPresign(peer, peerParties);
    const peerBytes = peerPre.bytes + peerOnline(peer, peerPre).bytes;
    const m = await measure({
      suite: SUITE,
      name: 'bytes per signing',
      params,
      fn: () => undefined,
      iterations: 1,
      warmup: 0,
    });
    report(m, {
      bytes_total: payloadBytes(router),
      bytes_per_signer_pair: Math.round(payloadBytes(router) / pairs),
      peer: '@0xcarbon/dkls23-wasm',
      peer_bytes_per_signer_pair_json: Math.round(peerBytes / pairs),
      note: 'ours: canonical binary payloads, both directions of every pair; peer: its JSON messages (larger than its binary form)',
    });
  }
}
