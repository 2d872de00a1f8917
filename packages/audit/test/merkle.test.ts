// RFC 9162 Merkle tree: the library against an independent, straightforward transcription of
// the RFC's recursive definitions (§2.1.1 MTH, §2.1.3.1 PATH, §2.1.4.1 PROOF), for every tree
// size 1..257, plus the published Certificate Transparency vectors and tampered proofs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  EMPTY_ROOT,
  Frontier,
  frontierNodes,
  leafHash,
  MemoryTree,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../src/index.ts';

const data = Array.from({ length: 257 }, (_, i) => new TextEncoder().encode(`leaf ${i}`));

// --- Reference implementation, written from the RFC text, using node:crypto (not our hashes) ---
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const refLeaf = (d: Uint8Array) => sha(Uint8Array.of(0), d);
const refNode = (l: Uint8Array, r: Uint8Array) => sha(Uint8Array.of(1), l, r);
const refK = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
// The RFC's definitions over D[lo:hi] of the shared `data`; MTH memoised so that checking
// every proof of every size stays fast (the definitions themselves are unchanged).
const memo = new Map<string, Uint8Array>();
function refMTH(d: Uint8Array[], lo = 0, hi = d.length): Uint8Array {
  const n = hi - lo;
  if (n === 0) return sha();
  if (n === 1) return refLeaf(d[lo]!);
  const key = d === data ? `${lo}:${hi}` : '';
  const hit = key ? memo.get(key) : undefined;
  if (hit) return hit;
  const k = refK(n);
  const out = refNode(refMTH(d, lo, lo + k), refMTH(d, lo + k, hi));
  if (key) memo.set(key, out);
  return out;
}
function refPATH(m: number, lo: number, hi: number): Uint8Array[] {
  if (hi - lo === 1) return [];
  const k = refK(hi - lo);
  return m < k
    ? [...refPATH(m, lo, lo + k), refMTH(data, lo + k, hi)]
    : [...refPATH(m - k, lo + k, hi), refMTH(data, lo, lo + k)];
}
function refSUBPROOF(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
  if (m === hi - lo) return b ? [] : [refMTH(data, lo, hi)];
  const k = refK(hi - lo);
  return m <= k
    ? [...refSUBPROOF(m, lo, lo + k, b), refMTH(data, lo + k, hi)]
    : [...refSUBPROOF(m - k, lo + k, hi, false), refMTH(data, lo, lo + k)];
}
const refPROOF = (m: number, n: number) => refSUBPROOF(m, 0, n, true);

// Deterministic pseudo-random numbers, so a failure is reproducible.
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const tree = new MemoryTree();
for (const d of data) tree.append(leafHash(d));

function flip(h: Uint8Array, bit: number): Uint8Array {
  const c = h.slice();
  c[bit >> 3]! ^= 1 << (bit & 7);
  return c;
}

describe('RFC 9162 Merkle tree', () => {
  it('matches the Certificate Transparency reference roots', () => {
    const leaves = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ];
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const t = new MemoryTree();
    leaves.forEach((hex, i) => {
      t.append(leafHash(Uint8Array.from(Buffer.from(hex, 'hex'))));
      assert.equal(toHex(t.root()), roots[i], `root of size ${i + 1}`);
    });
    assert.equal(toHex(EMPTY_ROOT), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('computes MTH like the RFC definition for every size 0..257', () => {
    const f = Frontier.empty();
    assert.deepEqual(f.root(), refMTH([]));
    for (let n = 1; n <= 257; n++) {
      f.append(leafHash(data[n - 1]!));
      const expected = refMTH(data.slice(0, n));
      assert.deepEqual(refMTH(data, 0, n), expected);
      assert.deepEqual(f.root(), expected, `frontier root of size ${n}`);
      assert.deepEqual(tree.root(n), expected, `stored root of size ${n}`);
    }
  });

  it('restores a frontier from stored hashes and keeps appending identically', () => {
    for (const n of [0, 1, 2, 3, 7, 8, 100, 128, 200]) {
      const f = Frontier.fromHashes(n, tree.readNodes(frontierNodes(n)));
      assert.deepEqual(f.hashes, frontierHashes(n));
      for (let i = n; i < 257; i++) f.append(leafHash(data[i]!));
      assert.deepEqual(f.root(), tree.root(257), `restored at ${n}`);
    }
  });

  it('generates inclusion proofs equal to PATH(m, D[n]) that verify, for every leaf of every size 1..257', () => {
    for (let n = 1; n <= 257; n++) {
      const root = tree.root(n);
      for (let m = 0; m < n; m++) {
        const proof = tree.inclusionProof(m, n);
        assert.deepEqual(proof, refPATH(m, 0, n), `PATH(${m}, ${n})`);
        assert.ok(
          verifyInclusion({ leafIndex: m, treeSize: n, leafHash: tree.leaf(m), proof, rootHash: root }),
          `inclusion ${m} in ${n}`,
        );
      }
    }
  });

  it('generates consistency proofs equal to PROOF(m, D[n]) that verify, for every pair up to 257', () => {
    for (let n = 1; n <= 257; n++) {
      const second = tree.root(n);
      for (let m = 0; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        if (m > 0 && m < n) assert.deepEqual(proof, refPROOF(m, n), `PROOF(${m}, ${n})`);
        assert.ok(
          verifyConsistency({
            firstSize: m,
            secondSize: n,
            firstRoot: tree.root(m),
            secondRoot: second,
            proof,
          }),
          `consistency ${m} -> ${n}`,
        );
      }
    }
  });

  it('rejects every modified inclusion proof (random pairs)', () => {
    const r = rng(9162);
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + r(257);
      const m = r(n);
      const root = tree.root(n);
      const leaf = tree.leaf(m);
      const proof = tree.inclusionProof(m, n);
      const ok = (p: Partial<Parameters<typeof verifyInclusion>[0]>) =>
        verifyInclusion({ leafIndex: m, treeSize: n, leafHash: leaf, proof, rootHash: root, ...p });
      assert.ok(ok({}));
      // Every bit position of every proof element, sampled.
      proof.forEach((_, i) => {
        const bad = proof.slice();
        bad[i] = flip(bad[i]!, r(256));
        assert.equal(ok({ proof: bad }), false, `flipped element ${i} of PATH(${m}, ${n})`);
      });
      if (proof.length > 0) {
        assert.equal(ok({ proof: proof.slice(0, -1) }), false, 'truncated');
        assert.equal(ok({ proof: proof.slice(1) }), false, 'first element dropped');
        if (proof.length > 1) assert.equal(ok({ proof: [...proof].reverse() }), false, 'reordered');
      }
      assert.equal(ok({ proof: [...proof, root] }), false, 'extended');
      assert.equal(ok({ leafHash: flip(leaf, r(256)) }), false, 'wrong leaf');
      assert.equal(ok({ rootHash: flip(root, r(256)) }), false, 'wrong root');
      if (n > 1) assert.equal(ok({ leafIndex: (m + 1 + r(n - 1)) % n }), false, 'wrong index');
      assert.equal(ok({ leafIndex: n }), false, 'index out of range');
      // Sizes are bound to roots by the signed checkpoint: a proof for one (size, root) must not
      // verify against another size and that size's root.
      const otherN = m + 1 + r(257 - m);
      if (otherN !== n) {
        assert.equal(
          ok({ treeSize: otherN, rootHash: tree.root(otherN) }),
          false,
          `size ${otherN} instead of ${n}`,
        );
      }
    }
  });

  it('rejects every modified consistency proof (random pairs)', () => {
    const r = rng(4);
    for (let trial = 0; trial < 400; trial++) {
      const n = 2 + r(256);
      const m = 1 + r(n - 1);
      const firstRoot = tree.root(m);
      const secondRoot = tree.root(n);
      const proof = tree.consistencyProof(m, n);
      const ok = (p: Partial<Parameters<typeof verifyConsistency>[0]>) =>
        verifyConsistency({ firstSize: m, secondSize: n, firstRoot, secondRoot, proof, ...p });
      assert.ok(ok({}));
      proof.forEach((_, i) => {
        const bad = proof.slice();
        bad[i] = flip(bad[i]!, r(256));
        assert.equal(ok({ proof: bad }), false, `flipped element ${i} of PROOF(${m}, ${n})`);
      });
      assert.equal(ok({ proof: proof.slice(0, -1) }), false, 'truncated');
      assert.equal(ok({ proof: [...proof, firstRoot] }), false, 'extended');
      if (proof.length > 1) assert.equal(ok({ proof: [...proof].reverse() }), false, 'reordered');
      assert.equal(ok({ firstRoot: flip(firstRoot, r(256)) }), false, 'wrong first root');
      assert.equal(ok({ secondRoot: flip(secondRoot, r(256)) }), false, 'wrong second root');
      const otherM = 1 + r(n - 1);
      if (otherM !== m) {
        assert.equal(ok({ firstSize: otherM, firstRoot: tree.root(otherM) }), false, `first size ${otherM}`);
      }
      const otherN = m + 1 + r(257 - m);
      if (otherN !== n) {
        assert.equal(
          ok({ secondSize: otherN, secondRoot: tree.root(otherN) }),
          false,
          `second size ${otherN}`,
        );
      }
      // A fork: same size, different last leaf.
      const fork = new MemoryTree();
      for (let i = 0; i < n; i++) fork.append(i === n - 1 ? leafHash(Uint8Array.of(0xff)) : tree.leaf(i));
      assert.equal(ok({ secondRoot: fork.root() }), false, 'forked second tree');
    }
  });

  it('handles the degenerate cases of RFC 9162 §2.1.4', () => {
    const root5 = tree.root(5);
    assert.ok(
      verifyConsistency({ firstSize: 5, secondSize: 5, firstRoot: root5, secondRoot: root5, proof: [] }),
    );
    assert.equal(
      verifyConsistency({
        firstSize: 5,
        secondSize: 5,
        firstRoot: root5,
        secondRoot: tree.root(6),
        proof: [],
      }),
      false,
    );
    assert.ok(
      verifyConsistency({ firstSize: 0, secondSize: 5, firstRoot: EMPTY_ROOT, secondRoot: root5, proof: [] }),
    );
    assert.equal(
      verifyConsistency({
        firstSize: 0,
        secondSize: 5,
        firstRoot: EMPTY_ROOT,
        secondRoot: root5,
        proof: [root5],
      }),
      false,
    );
    assert.equal(
      verifyConsistency({
        firstSize: 3,
        secondSize: 5,
        firstRoot: tree.root(3),
        secondRoot: root5,
        proof: [],
      }),
      false,
    );
    assert.equal(
      verifyConsistency({
        firstSize: 6,
        secondSize: 5,
        firstRoot: tree.root(6),
        secondRoot: root5,
        proof: [],
      }),
      false,
    );
    assert.throws(() => tree.inclusionProof(5, 5), /not below tree size/);
  });
});

function frontierHashes(n: number): Uint8Array[] {
  const f = Frontier.empty();
  for (let i = 0; i < n; i++) f.append(tree.leaf(i));
  return [...f.hashes];
}
