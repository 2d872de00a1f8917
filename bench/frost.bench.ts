// `npm run bench -- frost`: FROST DKG and signing for each ciphersuite and committee, Cairn vs
// raw noble FROST (the same library's RFC 9591 implementation, all parties in one process) and
// @toruslabs/tss-frost-lib (WASM; Ed25519 only). All parties' compute runs in this process.
// The machine may be shared: besides wall-clock p50 every Cairn and noble row carries
// `cpu_p50_ms` (process CPU time per operation, process.cpuUsage), and Cairn rows the ratios
// to noble and the WASM peer from the same run. `presign` and `sign-online` rows measure the
// preprocessing variant (RFC 9591 round one ahead of the message, then round two alone); the
// 2-of-3 `sign` and `sign-online` rows state the issue-2 target and whether they meet it.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  frostEd25519,
  frostSecp256k1,
  frostTaproot,
  type FrostScheme,
  type KeyShare,
  type Presignature,
  runProtocol,
} from '@cairn/mpc';
import type { FROST } from '@noble/curves/abstract/frost.js';
import { ed25519_FROST } from '@noble/curves/ed25519.js';
import { schnorr_FROST, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { type Measurement, measure, report } from './harness.ts';

const SUITE = 'frost';
const committees: [number, number][] = [
  [2, 3],
  [3, 5],
  [7, 10],
];
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const sid = () => new Uint8Array(randomBytes(32));
const round3 = (x: number) => Math.round(x * 1000) / 1000;

function cairnDkg(scheme: FrostScheme, t: number, n: number): Map<number, KeyShare> {
  const parties = range(n);
  const sessionId = sid();
  return runProtocol({
    parties: parties.map((party) => scheme.dkg({ sessionId, party, parties, threshold: t })),
  });
}

function cairnSign(scheme: FrostScheme, shares: KeyShare[], message: Uint8Array): void {
  const sessionId = sid();
  const signers = shares.map((s) => s.party);
  runProtocol({ parties: shares.map((share) => scheme.sign({ sessionId, share, signers, message })) });
}

/** Presigning (RFC 9591 round one ahead of the message) by the given shares. */
function cairnPresign(scheme: FrostScheme, shares: KeyShare[]): Map<number, Presignature> {
  const sessionId = sid();
  const signers = shares.map((s) => s.party);
  return runProtocol({ parties: shares.map((share) => scheme.presign({ sessionId, share, signers })) });
}

/** The online round on a presignature (round two only). */
function cairnOnline(
  scheme: FrostScheme,
  shares: KeyShare[],
  presignatures: Map<number, Presignature>,
  message: Uint8Array,
): void {
  const sessionId = sid();
  runProtocol({
    parties: shares.map((share) =>
      scheme.signWithPresignature({
        sessionId,
        share,
        presignature: presignatures.get(share.party)!,
        message,
      }),
    ),
  });
}

// GitHub issue 2: 2-of-3 signing, all parties' compute in one process.
const TARGET_SIGN_2_OF_3_MS: Record<string, number> = { ed25519: 2, bip340: 3 };

function nobleDkg(f: FROST, t: number, n: number) {
  const ids = range(n).map((i) => f.Identifier.fromNumber(i));
  const r1 = ids.map((id) => f.DKG.round1(id, { min: t, max: n }));
  const r2 = r1.map((me) =>
    f.DKG.round2(
      me.secret,
      r1.filter((o) => o !== me).map((o) => o.public),
    ),
  );
  return ids.map((id, i) =>
    f.DKG.round3(
      r1[i]!.secret,
      r1.filter((_, j) => j !== i).map((o) => o.public),
      r2.filter((_, j) => j !== i).map((m) => m[id]!),
    ),
  );
}

function nobleSign(f: FROST, keys: ReturnType<typeof nobleDkg>, t: number, message: Uint8Array): void {
  const signers = keys.slice(0, t);
  const nonces = signers.map((k) => f.commit(k.secret));
  const commitments = nonces.map((c) => c.commitments);
  const shares: Record<string, Uint8Array> = {};
  signers.forEach((k, i) => {
    shares[k.secret.identifier] = f.signShare(k.secret, k.public, nonces[i]!.nonces, commitments, message);
  });
  f.aggregate(signers[0]!.public, commitments, message, shares);
}

// @toruslabs/tss-frost-lib: async message broker API; counterparties exclude the party itself.
interface TorusLib {
  RngSeed: new (seed: Uint8Array) => unknown;
  generate_key(seed: unknown, mb: unknown, counterparties: Uint32Array, threshold: number): Promise<unknown>;
  sign(
    seed: unknown,
    mb: unknown,
    counterparties: Uint32Array,
    key: unknown,
    msg: Uint8Array,
  ): Promise<{ to_bytes(): Uint8Array }>;
}
function loadTorus(): TorusLib | null {
  try {
    const mod = createRequire(import.meta.url)('@toruslabs/tss-frost-lib');
    return (mod.loadSync ?? mod.default.loadSync)() as TorusLib;
  } catch (error) {
    process.stderr.write(`bench frost: @toruslabs/tss-frost-lib unavailable: ${String(error)}\n`);
    return null;
  }
}
class Hub {
  readonly #queues = new Map<string, { items: Uint8Array[]; waiters: ((v: Uint8Array) => void)[] }>();
  #q(key: string) {
    let q = this.#queues.get(key);
    if (!q) {
      q = { items: [], waiters: [] };
      this.#queues.set(key, q);
    }
    return q;
  }
  broker(session: string, id: number) {
    return {
      session_id: session,
      sender_id: id,
      send: async (to: number, type: string, data: Uint8Array) => {
        const q = this.#q(`${id}>${to}:${type}`);
        const waiter = q.waiters.shift();
        if (waiter) waiter(data.slice());
        else q.items.push(data.slice());
      },
      receive: (from: number, type: string) =>
        new Promise<Uint8Array>((resolve) => {
          const q = this.#q(`${from}>${id}:${type}`);
          const item = q.items.shift();
          if (item) resolve(item);
          else q.waiters.push(resolve);
        }),
    };
  }
}
const torusDkg = (lib: TorusLib, t: number, n: number) => {
  const hub = new Hub();
  const parties = range(n);
  return Promise.all(
    parties.map((p) =>
      lib.generate_key(
        new lib.RngSeed(new Uint8Array(randomBytes(32))),
        hub.broker('dkg', p),
        Uint32Array.from(parties.filter((x) => x !== p)),
        t,
      ),
    ),
  );
};
const torusSign = (lib: TorusLib, keys: unknown[], t: number, message: Uint8Array) => {
  const hub = new Hub();
  const signers = range(t);
  return Promise.all(
    signers.map((p, i) =>
      lib.sign(
        new lib.RngSeed(new Uint8Array(randomBytes(32))),
        hub.broker('sign', p),
        Uint32Array.from(signers.filter((x) => x !== p)),
        keys[i],
        message,
      ),
    ),
  );
};

/** Wraps an operation to record its process CPU time (user + system) per call. */
function cpuTimed<T>(fn: () => T): { fn: () => T; cpuP50(): number } {
  const samples: number[] = [];
  return {
    fn: () => {
      const c0 = process.cpuUsage();
      const out = fn();
      const c = process.cpuUsage(c0);
      samples.push((c.user + c.system) / 1000);
      return out;
    },
    cpuP50: () => {
      const sorted = [...samples].sort((a, b) => a - b);
      return round3(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN);
    },
  };
}

function ratios(ours: Measurement, others: Record<string, Measurement | null>): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(others)) {
    if (!m) continue;
    extra[`${name}_p50_ms`] = m.p50_ms;
    extra[name === 'peer' ? 'speedup_vs_peer' : `speedup_vs_${name}`] = round3(m.p50_ms / ours.p50_ms);
  }
  return extra;
}

export default async function frostBench(): Promise<void> {
  const torus = loadTorus();
  const suites: { name: string; scheme: FrostScheme; noble: FROST; torus: boolean }[] = [
    { name: 'ed25519', scheme: frostEd25519, noble: ed25519_FROST, torus: true },
    { name: 'secp256k1', scheme: frostSecp256k1, noble: secp256k1_FROST, torus: false },
    { name: 'bip340', scheme: frostTaproot, noble: schnorr_FROST, torus: false },
  ];
  const message = new Uint8Array(randomBytes(32));
  for (const s of suites) {
    for (const [t, n] of committees) {
      const params = (op: string, impl: string) => ({ scheme: s.name, op, t, n, impl });
      const big = n >= 10;
      const budgetMs = big ? 4000 : 3000;

      // DKG
      const dkgCpu = cpuTimed(() => cairnDkg(s.scheme, t, n));
      const dkg = await measure({
        suite: SUITE,
        name: `${s.name} dkg ${t}-of-${n}`,
        params: params('dkg', 'cairn'),
        fn: dkgCpu.fn,
        budgetMs,
      });
      const nDkgCpu = cpuTimed(() => nobleDkg(s.noble, t, n));
      const nDkg = await measure({
        suite: SUITE,
        name: `${s.name} dkg ${t}-of-${n}`,
        params: params('dkg', 'noble'),
        fn: nDkgCpu.fn,
        iterations: big ? 5 : 15,
        warmup: 1,
        budgetMs,
      });
      const pDkg =
        s.torus && torus
          ? await measure({
              suite: SUITE,
              name: `${s.name} dkg ${t}-of-${n}`,
              params: params('dkg', 'torus-wasm'),
              fn: () => torusDkg(torus, t, n),
              budgetMs,
            })
          : null;
      report(nDkg, { cpu_p50_ms: nDkgCpu.cpuP50() });
      if (pDkg) report(pDkg, { peer: '@toruslabs/tss-frost-lib' });
      report(dkg, {
        cpu_p50_ms: dkgCpu.cpuP50(),
        noble_cpu_p50_ms: nDkgCpu.cpuP50(),
        ...ratios(dkg, { noble: nDkg, peer: pDkg }),
        ...(pDkg ? { peer: '@toruslabs/tss-frost-lib' } : { peer_note: 'WASM peer supports Ed25519 only' }),
      });

      // Signing by the first t parties
      const shares = cairnDkg(s.scheme, t, n);
      const signing = range(t).map((p) => shares.get(p)!);
      const signCpu = cpuTimed(() => cairnSign(s.scheme, signing, message));
      const sign = await measure({
        suite: SUITE,
        name: `${s.name} sign ${t}-of-${n}`,
        params: params('sign', 'cairn'),
        fn: signCpu.fn,
        iterations: 200,
        warmup: 20,
        budgetMs,
      });
      const nobleKeys = nobleDkg(s.noble, t, n);
      const nSignCpu = cpuTimed(() => nobleSign(s.noble, nobleKeys, t, message));
      const nSign = await measure({
        suite: SUITE,
        name: `${s.name} sign ${t}-of-${n}`,
        params: params('sign', 'noble'),
        fn: nSignCpu.fn,
        iterations: big ? 5 : 15,
        warmup: 1,
        budgetMs,
      });
      let pSign: Measurement | null = null;
      if (s.torus && torus) {
        const keys = await torusDkg(torus, t, n);
        pSign = await measure({
          suite: SUITE,
          name: `${s.name} sign ${t}-of-${n}`,
          params: params('sign', 'torus-wasm'),
          fn: () => torusSign(torus, keys, t, message),
          iterations: 200,
          warmup: 20,
          budgetMs,
        });
      }
      report(nSign, { cpu_p50_ms: nSignCpu.cpuP50() });
      if (pSign) report(pSign, { peer: '@toruslabs/tss-frost-lib' });
      const target = t === 2 && n === 3 ? TARGET_SIGN_2_OF_3_MS[s.name] : undefined;
      const targetFields = (m: Measurement) =>
        target === undefined ? {} : { target_p50_ms: target, meets_target: m.p50_ms <= target };
      report(sign, {
        cpu_p50_ms: signCpu.cpuP50(),
        noble_cpu_p50_ms: nSignCpu.cpuP50(),
        ...ratios(sign, { noble: nSign, peer: pSign }),
        ...(pSign ? { peer: '@toruslabs/tss-frost-lib' } : { peer_note: 'WASM peer supports Ed25519 only' }),
        ...targetFields(sign),
      });

      // Preprocessing: presign (message-independent round one), then the online round alone.
      const runs = big ? 40 : 200;
      const warmup = big ? 4 : 20;
      const presignCpu = cpuTimed(() => cairnPresign(s.scheme, signing));
      const presign = await measure({
        suite: SUITE,
        name: `${s.name} presign ${t}-of-${n}`,
        params: params('presign', 'cairn'),
        fn: presignCpu.fn,
        iterations: runs,
        warmup,
        budgetMs,
      });
      report(presign, { cpu_p50_ms: presignCpu.cpuP50(), sign_p50_ms: sign.p50_ms });
      // Presignatures made beforehand, untimed: one per timed or warm-up run.
      const pool = Array.from({ length: runs + warmup }, () => cairnPresign(s.scheme, signing));
      const onlineCpu = cpuTimed(() => cairnOnline(s.scheme, signing, pool.pop()!, message));
      const online = await measure({
        suite: SUITE,
        name: `${s.name} sign-online ${t}-of-${n}`,
        params: params('sign-online', 'cairn'),
        fn: onlineCpu.fn,
        iterations: runs,
        warmup,
        budgetMs,
      });
      report(online, {
        cpu_p50_ms: onlineCpu.cpuP50(),
        sign_p50_ms: sign.p50_ms,
        presign_p50_ms: presign.p50_ms,
        // Reference only (no ratio): noble and the WASM peer have no preprocessing variant.
        noble_sign_p50_ms: nSign.p50_ms,
        ...(pSign
          ? { peer: '@toruslabs/tss-frost-lib', peer_sign_p50_ms: pSign.p50_ms }
          : { peer_note: 'WASM peer supports Ed25519 only' }),
        ...targetFields(online),
      });
    }
  }
}
