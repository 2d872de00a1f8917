// Merkle tree math of RFC 9162 §2.1 (Certificate Transparency v2), independent of storage:
// the tree hash (MTH), inclusion proofs (§2.1.3) and consistency proofs (§2.1.4), their
// verification algorithms, and an incremental appender (the "compact range" or frontier of
// perfect subtrees) so appending a leaf costs O(1) amortised hashes.
//
// Storage holds the hashes of perfect subtrees, addressed as NodeId {level, index}: the subtree
// of 2^level leaves starting at leaf index·2^level. Proof generation is split in two pure steps
// (which MTH(D[a:b]) ranges a proof needs, and which perfect subtrees compose each range) so a
// store can fetch every needed hash in one round trip (SQLite now, PostgreSQL later).
import { AuditError } from './errors.ts';
import { EMPTY_ROOT, equalHash, HASH_SIZE, nodeHash } from './hash.ts';

/** A perfect subtree: 2^level leaves starting at leaf `index · 2^level`. */
export interface NodeId {
  level: number;
  index: number;
}

/** The leaf range D[start:end] whose tree hash MTH(D[start:end]) a proof contains. */
export interface HashRange {
  start: number;
  end: number;
}

/** Reads the hashes of perfect subtrees, in the order asked. */
export type NodeReader = (ids: readonly NodeId[]) => Promise<Uint8Array[]> | Uint8Array[];

const MAX_SIZE = Number.MAX_SAFE_INTEGER;

function assertSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SIZE) {
    throw new AuditError('INVALID_ARGUMENT', `${what} must be a non-negative safe integer, got ${n}`);
  }
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && 2 ** Math.floor(Math.log2(n)) === n;
}

/** k: the largest power of two strictly smaller than n (n > 1) — RFC 9162 §2.1.1. */
export function splitPoint(n: number): number {
  let k = 2 ** Math.floor(Math.log2(n));
  if (k >= n) k /= 2;
  // Guard against floating-point log2 rounding for large n.
  while (k * 2 < n) k *= 2;
  while (k >= n) k /= 2;
  return k;
}

/** PATH(m, D[n]) of RFC 9162 §2.1.3.1, as the ranges whose MTH forms the proof, leaf side first. */
export function inclusionProofRanges(index: number, size: number): HashRange[] {
  assertSize(index, 'leaf index');
  assertSize(size, 'tree size');
  if (index >= size)
    throw new AuditError('INVALID_ARGUMENT', `leaf index ${index} is not below tree size ${size}`);
  const out: HashRange[] = [];
  let start = 0;
  let n = size;
  let m = index;
  // Iterative form of the recursion: descend from the root, recording the sibling of each step;
  // the RFC lists siblings from the leaf upwards, so reverse at the end.
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      out.push({ start: start + k, end: start + n });
      n = k;
    } else {
      out.push({ start, end: start + k });
      start += k;
      m -= k;
      n -= k;
    }
  }
  return out.reverse();
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1, as ranges, deepest first. */
export function consistencyProofRanges(first: number, second: number): HashRange[] {
  assertSize(first, 'first tree size');
  assertSize(second, 'second tree size');
  if (first > second) {
    throw new AuditError('INVALID_ARGUMENT', `first tree size ${first} exceeds second tree size ${second}`);
  }
  if (first === 0 || first === second) return [];
  const out: HashRange[] = [];
  let start = 0;
  let n = second;
  let m = first;
  let b = true;
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      out.push({ start: start + k, end: start + n });
      n = k;
    } else {
      out.push({ start, end: start + k });
      start += k;
      m -= k;
      n -= k;
      b = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}; with b still true the subtree is the old tree itself.
  if (!b) out.push({ start, end: start + n });
  return out.reverse();
}

/**
 * The perfect subtrees whose right fold is MTH(D[start:end]), left to right. Valid for the
 * ranges RFC 9162 proofs use, whose start is aligned to the largest power of two below length.
 */
export function rangeNodes(range: HashRange): NodeId[] {
  let { start } = range;
  let n = range.end - range.start;
  if (n <= 0) throw new AuditError('INVALID_ARGUMENT', `empty range [${range.start}, ${range.end})`);
  const out: NodeId[] = [];
  while (n > 0) {
    const k = isPowerOfTwo(n) ? n : splitPoint(n);
    if (start % k !== 0) {
      throw new AuditError('INVALID_ARGUMENT', `range [${range.start}, ${range.end}) is not tree-aligned`);
    }
    out.push({ level: Math.round(Math.log2(k)), index: start / k });
    start += k;
    n -= k;
  }
  return out;
}

/** Folds perfect-subtree hashes (left to right, decreasing sizes) into their tree hash. */
export function foldNodes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** The perfect subtrees that make up a tree of `size` leaves (its compact range), left to right. */
export function frontierNodes(size: number): NodeId[] {
  assertSize(size, 'tree size');
  const out: NodeId[] = [];
  let start = 0;
  for (let level = 53; level >= 0; level--) {
    const k = 2 ** level;
    if (size - start >= k) {
      out.push({ level, index: start / k });
      start += k;
    }
  }
  return out;
}

/** Turns proof ranges into hashes with one read of every perfect subtree they need. */
export async function resolveRanges(ranges: readonly HashRange[], read: NodeReader): Promise<Uint8Array[]> {
  const perRange = ranges.map(rangeNodes);
  const hashes = await read(perRange.flat());
  let i = 0;
  return perRange.map((ids) => {
    const part = hashes.slice(i, i + ids.length);
    i += ids.length;
    return foldNodes(part);
  });
}

export interface VerifyInclusionParameters {
  leafIndex: number;
  treeSize: number;
  leafHash: Uint8Array;
  proof: readonly Uint8Array[];
  rootHash: Uint8Array;
}

/** RFC 9162 §2.1.3.2: verifies an inclusion proof. Returns false on any mismatch. */
export function verifyInclusion(p: VerifyInclusionParameters): boolean {
  if (!Number.isSafeInteger(p.leafIndex) || !Number.isSafeInteger(p.treeSize)) return false;
  if (p.leafIndex < 0 || p.leafIndex >= p.treeSize) return false;
  if (!validHashes([p.leafHash, p.rootHash, ...p.proof])) return false;
  let fn = p.leafIndex;
  let sn = p.treeSize - 1;
  let r = p.leafHash;
  for (const node of p.proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(node, r);
      // RFC 9162: if LSB(fn) is not set, shift fn and sn right until it is or fn is 0.
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, node);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalHash(r, p.rootHash);
}

export interface VerifyConsistencyParameters {
  firstSize: number;
  secondSize: number;
  firstRoot: Uint8Array;
  secondRoot: Uint8Array;
  proof: readonly Uint8Array[];
}

/**
 * RFC 9162 §2.1.4.2: verifies a consistency proof. The RFC defines proofs for 0 < first < second;
 * first == second is consistent iff the roots are equal (empty proof), and the empty tree is a
 * prefix of every tree (empty proof).
 */
export function verifyConsistency(p: VerifyConsistencyParameters): boolean {
  const { firstSize: first, secondSize: second } = p;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second)
    return false;
  if (!validHashes([p.firstRoot, p.secondRoot, ...p.proof])) return false;
  if (first === 0) return p.proof.length === 0 && equalHash(p.firstRoot, EMPTY_ROOT);
  if (first === second) return p.proof.length === 0 && equalHash(p.firstRoot, p.secondRoot);
  if (p.proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [p.firstRoot, ...p.proof] : [...p.proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // RFC 9162: if LSB(fn) is not set, shift fn and sn right until it is or fn is 0.
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return equalHash(fr, p.firstRoot) && equalHash(sr, p.secondRoot) && sn === 0;
}

function validHashes(hashes: readonly Uint8Array[]): boolean {
  for (const h of hashes) if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) return false;
  return true;
}

/** A perfect-subtree hash created by an append, for the store to keep. */
export interface NewNode extends NodeId {
  hash: Uint8Array;
}

/**
 * The compact range [0, size): the hashes of the perfect subtrees of the tree's binary
 * decomposition. Appending a leaf merges equal-sized subtrees, yielding every new perfect
 * subtree (the leaf itself at level 0 and each merge above it) for storage.
 */
export class Frontier {
  #size: number;
  #levels: number[];
  #hashes: Uint8Array[];

  private constructor(size: number, levels: number[], hashes: Uint8Array[]) {
    this.#size = size;
    this.#levels = levels;
    this.#hashes = hashes;
  }

  static empty(): Frontier {
    return new Frontier(0, [], []);
  }

  /** Rebuilds the frontier of a stored tree from the hashes of `frontierNodes(size)`. */
  static fromHashes(size: number, hashes: readonly Uint8Array[]): Frontier {
    const ids = frontierNodes(size);
    if (ids.length !== hashes.length || !validHashes(hashes)) {
      throw new AuditError('INVALID_ARGUMENT', `frontier of size ${size} needs ${ids.length} hashes`);
    }
    return new Frontier(
      size,
      ids.map((id) => id.level),
      hashes.map((h) => h.slice()),
    );
  }

  get size(): number {
    return this.#size;
  }

  /** The hashes of the compact range, left to right (largest subtree first). */
  get hashes(): readonly Uint8Array[] {
    return this.#hashes;
  }

  /** Appends one leaf hash; `out`, when given, receives every new perfect subtree. */
  append(leaf: Uint8Array, out?: NewNode[]): void {
    const index = this.#size;
    let level = 0;
    let hash = leaf;
    out?.push({ level: 0, index, hash });
    while (this.#levels.length > 0 && this.#levels[this.#levels.length - 1] === level) {
      this.#levels.pop();
      hash = nodeHash(this.#hashes.pop()!, hash);
      level++;
      out?.push({ level, index: Math.floor(index / 2 ** level), hash });
    }
    this.#levels.push(level);
    this.#hashes.push(hash);
    this.#size++;
  }

  /** MTH(D[0:size]). */
  root(): Uint8Array {
    return foldNodes(this.#hashes);
  }

  clone(): Frontier {
    return new Frontier(this.#size, [...this.#levels], [...this.#hashes]);
  }
}

/**
 * A whole tree in memory: every perfect-subtree hash, for tests, witnesses and small logs.
 * Proofs come from the same range functions the stores use.
 */
export class MemoryTree {
  readonly #levels: Uint8Array[][] = [[]];
  readonly #frontier = Frontier.empty();

  get size(): number {
    return this.#frontier.size;
  }

  append(leaf: Uint8Array): void {
    const created: NewNode[] = [];
    this.#frontier.append(leaf, created);
    for (const n of created) {
      if (this.#levels[n.level] === undefined) this.#levels[n.level] = [];
      this.#levels[n.level]![n.index] = n.hash;
    }
  }

  readNodes = (ids: readonly NodeId[]): Uint8Array[] =>
    ids.map((id) => {
      const h = this.#levels[id.level]?.[id.index];
      if (!h) throw new AuditError('INVALID_ARGUMENT', `no node at level ${id.level} index ${id.index}`);
      return h;
    });

  /** MTH of the first `size` leaves (default: all). */
  root(size = this.size): Uint8Array {
    if (size > this.size) throw new AuditError('INVALID_ARGUMENT', `tree has only ${this.size} leaves`);
    return foldNodes(this.readNodes(frontierNodes(size)));
  }

  leaf(index: number): Uint8Array {
    return this.readNodes([{ level: 0, index }])[0]!;
  }

  inclusionProof(index: number, size = this.size): Uint8Array[] {
    return resolveSync(inclusionProofRanges(index, size), this.readNodes);
  }

  consistencyProof(first: number, second = this.size): Uint8Array[] {
    return resolveSync(consistencyProofRanges(first, second), this.readNodes);
  }
}

function resolveSync(
  ranges: readonly HashRange[],
  read: (ids: readonly NodeId[]) => Uint8Array[],
): Uint8Array[] {
  return ranges.map((r) => foldNodes(read(rangeNodes(r))));
}
