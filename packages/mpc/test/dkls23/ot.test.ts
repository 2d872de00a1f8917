import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  G,
  mod,
  mulBase,
  mulSecretPoint,
  N,
  Point,
  randomScalar,
  splitChallenge,
} from '../../src/dkls23/curve.ts';
import {
  mulReceiverFinish,
  mulReceiverStart,
  mulSenderRespond,
  gadgetVector,
} from '../../src/dkls23/multiplication.ts';
import { baseOtReceive, baseOtSend, KAPPA } from '../../src/dkls23/ot/base-ot.ts';
import { extendReceive, extendSend } from '../../src/dkls23/ot/extension.ts';
import { innerProduct, load, mulAcc } from '../../src/dkls23/ot/gf128.ts';

const random = (n: number) => new Uint8Array(randomBytes(n));
const mod2 = (a: bigint) => a % Point.Fp.ORDER;

function setup() {
  const b = randomScalar(random);
  const S = G.multiply(b);
  const context = random(32);
  const delta = random(KAPPA / 8);
  const recv = baseOtReceive({ context, senderPoint: S, choices: delta, random });
  const send = baseOtSend({ context, secret: b, senderPoint: S, points: recv.points });
  for (let i = 0; i < KAPPA; i++) {
    const bit = (delta[i >> 3]! >> (i & 7)) & 1;
    assert.deepEqual(recv.keys[i], bit ? send.keys1[i] : send.keys0[i]);
    assert.notDeepEqual(recv.keys[i], bit ? send.keys0[i] : send.keys1[i]);
  }
  return { sender: { delta, seeds: recv.keys }, receiver: { seeds0: send.keys0, seeds1: send.keys1 } };
}

/** Bit-by-bit GF(2^128) product (x^128 + x^7 + x^2 + x + 1), the reference for the windowed one. */
function referenceMul(a: Uint32Array, b: Uint32Array): number[] {
  let v = [...b];
  const z = [0, 0, 0, 0];
  for (let i = 0; i < 128; i++) {
    if ((a[i >> 5]! >>> (i & 31)) & 1) for (let k = 0; k < 4; k++) z[k]! ^= v[k]!;
    const c = v[3]! >>> 31;
    v = [
      ((v[0]! << 1) ^ (c * 0x87)) >>> 0,
      ((v[1]! << 1) | (v[0]! >>> 31)) >>> 0,
      ((v[2]! << 1) | (v[1]! >>> 31)) >>> 0,
      ((v[3]! << 1) | (v[2]! >>> 31)) >>> 0,
    ];
  }
  return z.map((x) => x >>> 0);
}

describe('DKLs23 OT and multiplication', () => {
  it('GF(2^128): windowed multiplication equals the bitwise reference; x·x^127 = x^7 + x^2 + x + 1', () => {
    const words = () => new Uint32Array(new Uint8Array(randomBytes(16)).buffer);
    for (let i = 0; i < 500; i++) {
      const a = words();
      const b = words();
      const acc = new Uint32Array(4);
      mulAcc(a, b, acc);
      assert.deepEqual([...acc], referenceMul(a, b));
    }
    const acc = new Uint32Array(4);
    mulAcc(Uint32Array.of(2, 0, 0, 0), Uint32Array.of(0, 0, 0, 0x80000000), acc);
    assert.deepEqual([...acc], [0x87, 0, 0, 0]);
  });

  it('GF(2^128): the bucketed inner product equals the sum of products', () => {
    for (const count of [1, 15, 416 + 208]) {
      const a = random(16 * count);
      const b = random(16 * count);
      const expected = new Uint32Array(4);
      const x = new Uint32Array(4);
      const y = new Uint32Array(4);
      for (let j = 0; j < count; j++) {
        load(a, 16 * j, x);
        load(b, 16 * j, y);
        mulAcc(x, y, expected);
      }
      assert.deepEqual([...innerProduct(a, b, count)], [...expected]);
    }
  });

  it('curve helpers: base-point and kernel multiplications equal noble’s; split challenges are λ-splits', () => {
    for (let i = 0; i < 4; i++) {
      const k = randomScalar(random);
      assert.ok(mulBase(k).equals(G.multiply(k)));
      const P = G.multiply(randomScalar(random));
      assert.ok(mulSecretPoint(P, k).equals(P.multiply(k)));
    }
    assert.throws(() => mulSecretPoint(G, 0n));
    assert.throws(() => mulSecretPoint(G, N));
    // ρ = ρ_1 + ρ_2·λ with λ·(x, y) = (β·x, y), β secp256k1's cube root of unity mod p.
    const beta = 0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501een;
    const bytes = new Uint8Array(16);
    bytes[15] = 1; // ρ_1 = 0, ρ_2 = 1: ρ = λ
    const lambda = splitChallenge(bytes);
    const { x, y } = G.toAffine();
    assert.ok(G.multiplyUnsafe(lambda).equals(Point.fromAffine({ x: mod2(beta * x), y })));
    bytes[7] = 3; // ρ_1 = 3
    assert.equal(splitChallenge(bytes), mod(3n + lambda));
  });

  const { sender, receiver } = setup();

  it('KOS extension: t^j = q^j xor x_j·Δ; tampering fails the check', () => {
    const sid = random(32);
    const choices = random(16);
    const { message, columns } = extendReceive({ state: receiver, sid, choices, count: 128, random });
    const q = extendSend({ state: sender, sid, count: 128, message });
    for (let j = 0; j < 128; j++) {
      const x = (choices[j >> 3]! >> (j & 7)) & 1;
      for (let b = 0; b < 16; b++)
        assert.equal(columns[j * 16 + b], q[j * 16 + b]! ^ (x ? sender.delta[b]! : 0));
    }
    for (const pos of [0, 5, message.length - 20, message.length - 1]) {
      const bad = message.slice();
      bad[pos]! ^= 1;
      assert.throws(() => extendSend({ state: sender, sid, count: 128, message: bad }), /consistency/);
    }
  });

  it('multiplication: c_k + d_k = a_k·χ; a tampered reply is refused', () => {
    const gadget = gadgetVector(random(32));
    const sid = random(32);
    const inputs = [randomScalar(random), randomScalar(random)];
    const start = mulReceiverStart({ ote: receiver, gadget, sid, random });
    const reply = mulSenderRespond({ ote: sender, gadget, sid, inputs, message: start.message, random });
    const d = mulReceiverFinish({ state: start.state, gadget, message: reply.message });
    for (let k = 0; k < 2; k++) assert.equal(mod(reply.shares[k]! + d[k]!), mod(inputs[k]! * start.chi));
    for (const pos of [0, 1000, reply.message.length - 100, reply.message.length - 1]) {
      const bad = reply.message.slice();
      bad[pos]! ^= 2;
      assert.throws(() => mulReceiverFinish({ state: start.state, gadget, message: bad }));
    }
  });
});
