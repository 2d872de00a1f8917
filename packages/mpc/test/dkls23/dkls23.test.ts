// DKLs23-specific tests beyond the generic ThresholdScheme suite: presignatures (single use,
// tamper/drop/duplicate of presign and online rounds), BIP-32 against @scure/bip32, Ethereum
// recovery with viem, and an EIP-1559 transaction signed by the threshold key and mined by anvil.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ANVIL_DEV_PRIVATE_KEYS, type Anvil, startAnvil } from '@cairn/chains';
import {
  type Delivery,
  type Fault,
  faults,
  InMemoryRouter,
  type KeyShare,
  MpcError,
  MpcTimeoutError,
  type PartyId,
  type Presignature,
  ProtocolAbortError,
  runProtocol,
  type Signature,
  dkls23,
} from '@cairn/mpc';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { HDKey } from '@scure/bip32';
import {
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  parseEther,
  recoverAddress,
  serializeTransaction,
  toHex,
} from 'viem';
import { privateKeyToAccount, publicKeyToAddress } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { runDkg, runSign, sessionId } from '../threshold-scheme.suite.ts';

const hash32 = () => new Uint8Array(randomBytes(32));
const uncompressed = (pk: Uint8Array): Hex => toHex(secp256k1.Point.fromBytes(pk).toBytes(false));
const addressOf = (pk: Uint8Array) => publicKeyToAddress(uncompressed(pk));
const viemSignature = (sig: Signature) => ({
  r: toHex(sig.bytes.subarray(0, 32)),
  s: toHex(sig.bytes.subarray(32)),
  yParity: sig.recovery!,
});

function presign(shares: readonly KeyShare[], derivationPath?: number[], router?: InMemoryRouter) {
  const sid = sessionId();
  const signers = shares.map((s) => s.party);
  return runProtocol({
    router,
    parties: shares.map((share) => dkls23.presign({ sessionId: sid, share, signers, derivationPath })),
  });
}

function online(
  shares: readonly KeyShare[],
  pre: Map<PartyId, Presignature>,
  message: Uint8Array,
  router?: InMemoryRouter,
) {
  const sid = sessionId();
  return runProtocol({
    router,
    parties: shares.map((share) =>
      dkls23.signWithPresignature({ sessionId: sid, share, presignature: pre.get(share.party)!, message }),
    ),
  });
}

/** Runs `run` once per fault (6 per delivery, as in the generic suite) and expects an abort or a timeout. */
function everyFault(label: string, deliveries: Delivery[], run: (router: InMemoryRouter) => void): void {
  assert.ok(deliveries.length > 0);
  deliveries.forEach((d, nth) => {
    const match = { round: d.message.round, from: d.message.from, to: d.to };
    const cases: [Fault, string][] = [
      [faults.flipBit(match, 0, 0), 'tamper'],
      [faults.flipBit(match, d.message.payload.length - 1, 7), 'tamper'],
      [faults.flipBit(match, nth * 13 + 5, nth % 8), 'tamper'],
      [faults.tamper(match, (p) => p.subarray(0, p.length - 1)), 'tamper'],
      [faults.duplicate(match), 'duplicate'],
      [faults.drop(match), 'drop'],
    ];
    for (const [fault, kind] of cases) {
      const where = `${label}: ${kind} of round ${d.message.round} ${d.message.from}→${d.to}`;
      try {
        run(new InMemoryRouter({ faults: [fault] }));
      } catch (error) {
        if (error instanceof MpcTimeoutError) continue;
        assert.ok(error instanceof ProtocolAbortError, `${where}: ${String(error)}`);
        if (kind === 'tamper') {
          assert.ok(
            error.culprit === null || error.culprit === d.message.from,
            `${where} blamed ${error.culprit}`,
          );
        }
        continue;
      }
      assert.fail(`${where} went unnoticed`);
    }
  });
}

describe('DKLs23', () => {
  const shares = runDkg(dkls23, 2, [1, 2, 3]);
  const publicKey = shares.get(1)!.publicKey;
  const s1 = shares.get(1)!;
  const s2 = shares.get(2)!;
  const s3 = shares.get(3)!;

  it('signatures recover (viem) to the key’s Ethereum address, with low S', async () => {
    for (const pair of [
      [s1, s2],
      [s2, s3],
    ]) {
      const msg = hash32();
      const sig = runSign(dkls23, pair, msg).outputs.get(pair[0]!.party)!;
      assert.ok(sig.recovery === 0 || sig.recovery === 1);
      assert.ok(secp256k1.Signature.fromBytes(sig.bytes).hasHighS() === false);
      const recovered = await recoverAddress({ hash: toHex(msg), signature: viemSignature(sig) });
      assert.equal(recovered, addressOf(publicKey));
    }
  });

  it('more than t signers sign (all three of a 2-of-3 key)', () => {
    const msg = hash32();
    const { outputs } = runSign(dkls23, [s1, s2, s3], msg);
    assert.equal(outputs.size, 3);
    for (const sig of outputs.values())
      assert.ok(dkls23.verify({ publicKey, message: msg, signature: sig.bytes }));
  });

  it('a received scalar ≥ n or a point off the curve aborts, naming the sender', () => {
    const n = secp256k1.Point.Fn.ORDER;
    const at = (offset: number, bytes: Uint8Array) => (p: Uint8Array) => {
      p.set(bytes, offset);
      return p;
    };
    const cases: [string, (p: Uint8Array) => Uint8Array][] = [
      // Round-2 layout: Γ (33) | R_j (33) | salt (32) | pk_j (33) | ψ (32) | …
      ['INVALID_SCALAR', at(131, Buffer.from(n.toString(16), 'hex'))],
      ['INVALID_POINT', at(33, Uint8Array.of(2, ...new Uint8Array(31), 5))],
    ];
    for (const [code, edit] of cases) {
      const router = new InMemoryRouter({ faults: [faults.tamper({ round: 2, from: 3, to: 1 }, edit)] });
      assert.throws(
        () => runSign(dkls23, [s1, s3], hash32(), router),
        (e: unknown) =>
          e instanceof ProtocolAbortError && e.code === code && e.culprit === 3 && e.detectedBy === 1,
      );
    }
  });

  it('t = n: a 2-of-2 key signs', () => {
    const pair = runDkg(dkls23, 2, [4, 9]);
    const msg = hash32();
    const { outputs } = runSign(dkls23, [pair.get(4)!, pair.get(9)!], msg);
    assert.ok(
      dkls23.verify({ publicKey: pair.get(4)!.publicKey, message: msg, signature: outputs.get(9)!.bytes }),
    );
  });

  it('presignature: online round signs; a presignature is single use; mismatched use is refused', () => {
    const pre = presign([s1, s3]);
    const p1 = pre.get(1)!;
    assert.equal(p1.consumed, false);
    assert.equal(p1.keyId, s1.keyId);
    assert.deepEqual([...p1.signers], [1, 3]);
    assert.equal(pre.get(3)!.id, p1.id, 'both signers name the same presignature');
    const msg = hash32();
    const out = online([s1, s3], pre, msg);
    for (const sig of out.values()) {
      assert.ok(dkls23.verify({ publicKey, message: msg, signature: sig.bytes }));
    }
    assert.equal(p1.consumed, true);
    assert.throws(
      () =>
        dkls23.signWithPresignature({
          sessionId: sessionId(),
          share: s1,
          presignature: p1,
          message: hash32(),
        }),
      (e: unknown) => e instanceof MpcError && e.code === 'PRESIGNATURE_REUSED',
    );
    assert.throws(
      () => online([s1, s3], pre, hash32()),
      (e: unknown) => e instanceof MpcError && e.code === 'PRESIGNATURE_REUSED',
    );
    // A presignature of party 1 cannot be used with party 2's share.
    const again = presign([s1, s3]);
    assert.throws(
      () =>
        dkls23.signWithPresignature({
          sessionId: sessionId(),
          share: s2,
          presignature: again.get(1)!,
          message: hash32(),
        }),
      (e: unknown) => e instanceof MpcError && e.code === 'KEY_MISMATCH',
    );
  });

  it('presignature is consumed even when its online round aborts, and never yields a bad signature', () => {
    const pre = presign([s2, s3]);
    const router = new InMemoryRouter({ faults: [faults.flipBit({ from: 2, to: 3 }, 40)] });
    assert.throws(() => online([s2, s3], pre, hash32(), router), ProtocolAbortError);
    assert.equal(pre.get(2)!.consumed, true);
    assert.equal(pre.get(3)!.consumed, true);
  });

  it('presign rounds: every tampered, duplicated or dropped message aborts or times out', () => {
    const log = new InMemoryRouter();
    presign([s1, s2], undefined, log);
    everyFault('presign', log.log, (router) => {
      const pre = presign([s1, s2], undefined, router);
      // If presigning somehow finished, the result must still sign correctly.
      const msg = hash32();
      for (const sig of online([s1, s2], pre, msg).values())
        assert.ok(dkls23.verify({ publicKey, message: msg, signature: sig.bytes }));
    });
  });

  it('online round: every tampered, duplicated or dropped message aborts or times out', () => {
    const log = new InMemoryRouter();
    online([s1, s2], presign([s1, s2]), hash32(), log);
    everyFault('online', log.log, (router) => {
      const msg = hash32();
      const parties = [s1, s2];
      const pre = presign(parties);
      const sid = sessionId();
      const protocols = parties.map((share) =>
        dkls23.signWithPresignature({
          sessionId: sid,
          share,
          presignature: pre.get(share.party)!,
          message: msg,
        }),
      );
      try {
        runProtocol({ parties: protocols, router });
      } finally {
        for (const p of protocols)
          if (p.done) assert.ok(dkls23.verify({ publicKey, message: msg, signature: p.result().bytes }));
      }
    });
  });

  it('BIP-32: children match @scure/bip32 from the xpub; signatures under children verify and recover', async () => {
    const parent = new HDKey({ publicKey, chainCode: s1.chainCode });
    for (const path of [[0], [1, 7], [0, 2147483647, 5]]) {
      const expected = parent.derive(`m/${path.join('/')}`);
      const derived = dkls23.derive({ publicKey, chainCode: s1.chainCode, path });
      assert.deepEqual(derived.publicKey, expected.publicKey);
      assert.deepEqual(derived.chainCode, expected.chainCode);
      const msg = hash32();
      const sid = sessionId();
      const out = runProtocol({
        parties: [s1, s3].map((share) =>
          dkls23.sign({ sessionId: sid, share, signers: [1, 3], message: msg, derivationPath: path }),
        ),
      });
      const sig = out.get(1)!;
      assert.deepEqual(sig.publicKey, expected.publicKey);
      assert.ok(secp256k1.verify(sig.bytes, msg, expected.publicKey!, { prehash: false }));
      assert.equal(
        await recoverAddress({ hash: toHex(msg), signature: viemSignature(sig) }),
        addressOf(expected.publicKey!),
      );
    }
    // A presignature for a child key signs under that child.
    const pre = presign([s2, s3], [44, 60]);
    const msg = hash32();
    const sig = online([s2, s3], pre, msg).get(2)!;
    assert.deepEqual(sig.publicKey, parent.derive('m/44/60').publicKey);
    assert.throws(() => dkls23.derive({ publicKey, chainCode: s1.chainCode, path: [2 ** 31] }), MpcError);
  });

  it('refresh and reshare keep the address and the BIP-32 children', () => {
    const fresh = [...runRefreshed(shares).values()];
    assert.deepEqual(fresh[0]!.chainCode, s1.chainCode);
    const msg = hash32();
    const sig = runSign(dkls23, [fresh[0]!, fresh[2]!], msg).outputs.get(1)!;
    assert.ok(dkls23.verify({ publicKey, message: msg, signature: sig.bytes }));
    const sid = sessionId();
    const out = runProtocol({
      parties: [fresh[0]!, fresh[1]!].map((share) =>
        dkls23.sign({ sessionId: sid, share, signers: [1, 2], message: msg, derivationPath: [3] }),
      ),
    });
    assert.deepEqual(
      out.get(1)!.publicKey,
      new HDKey({ publicKey, chainCode: s1.chainCode }).deriveChild(3).publicKey,
    );
  });
});

function runRefreshed(shares: Map<PartyId, KeyShare>) {
  const sid = sessionId();
  return runProtocol({
    parties: [...shares.values()].map((share) => dkls23.refresh({ sessionId: sid, share })),
  });
}

describe('DKLs23 on a real EVM node', () => {
  let anvil: Anvil;
  before(async () => {
    anvil = await startAnvil();
  });
  after(async () => {
    await anvil?.stop();
  });

  it('an EIP-1559 transaction signed by the 2-of-3 key is mined', async () => {
    const shares = runDkg(dkls23, 2, [1, 2, 3]);
    const pk = shares.get(1)!.publicKey;
    const from = addressOf(pk);
    const transport = http(anvil.rpcUrl);
    const chain = { ...foundry, id: anvil.chainId };
    const client = createPublicClient({ chain, transport });
    const funder = createWalletClient({
      account: privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[0]),
      chain,
      transport,
    });
    const funding = await funder.sendTransaction({ to: from, value: parseEther('1') });
    await client.waitForTransactionReceipt({ hash: funding });

    const fees = await client.estimateFeesPerGas();
    const tx = {
      type: 'eip1559' as const,
      chainId: anvil.chainId,
      nonce: 0,
      to: '0x000000000000000000000000000000000000dEaD' as const,
      value: parseEther('0.25'),
      gas: 21_000n,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    };
    const digest = keccak256(serializeTransaction(tx));
    const sig = runSign(
      dkls23,
      [shares.get(2)!, shares.get(3)!],
      Buffer.from(digest.slice(2), 'hex'),
    ).outputs.get(2)!;
    const raw = serializeTransaction(tx, viemSignature(sig));
    const hash = (await client.request({ method: 'eth_sendRawTransaction', params: [raw] })) as Hex;
    const receipt = await client.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, 'success');
    assert.equal(receipt.from.toLowerCase(), from.toLowerCase());
    assert.equal(
      (await client.getBalance({ address: '0x000000000000000000000000000000000000dEaD' })) >=
        parseEther('0.25'),
      true,
    );
  });
});
