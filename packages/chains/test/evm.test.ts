import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ANVIL_DEV_PRIVATE_KEYS,
  type Anvil,
  AssembleError,
  assembleSignedTransaction,
  contractCall,
  type DeployedDemoToken,
  deployDemoToken,
  type EcdsaSignature,
  EvmChain,
  type EvmTransaction,
  EvmTransactionError,
  erc20TransferCall,
  evmAddressOfPublicKey,
  nativeTransferCall,
  parseAmount,
  personalMessageSigningHash,
  prepareTransaction,
  startAnvil,
  transactionSigningHash,
  typedDataSigningHash,
} from '@cairn/chains';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { erc20Abi, type Hex, parseEther, recoverMessageAddress, recoverTypedDataAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

// A fresh key stands in for a threshold key: the adapter only sees (r, s, yParity) either way.
const secret = secp256k1.utils.randomSecretKey();
const publicKey = `0x${Buffer.from(secp256k1.getPublicKey(secret, true)).toString('hex')}` as Hex;
const from = evmAddressOfPublicKey(publicKey);

function sign(hash: Hex): EcdsaSignature {
  const sig = secp256k1.Signature.fromBytes(
    secp256k1.sign(Buffer.from(hash.slice(2), 'hex'), secret, { prehash: false, format: 'recovered' }),
    'recovered',
  );
  const hex = (n: bigint) => `0x${n.toString(16).padStart(64, '0')}` as Hex;
  return { r: hex(sig.r), s: hex(sig.s), yParity: sig.recovery as 0 | 1 };
}

const funder = privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[0]);
const recipient = '0x00000000000000000000000000000000000c0ffe';

describe('EVM adapter against a real anvil', () => {
  let anvil: Anvil;
  let chain: EvmChain;
  let token: DeployedDemoToken;

  before(async () => {
    anvil = await startAnvil();
    chain = new EvmChain({ rpcUrl: anvil.rpcUrl, pollingIntervalMs: 20 });
    token = await deployDemoToken({ rpcUrl: anvil.rpcUrl, privateKey: ANVIL_DEV_PRIVATE_KEYS[0] });
    // Fund the "vault" with ether and tokens from the anvil dev account.
    const { createWalletClient, http } = await import('viem');
    const wallet = createWalletClient({ account: funder, transport: http(anvil.rpcUrl) });
    const foundry = (await import('viem/chains')).foundry;
    const h1 = await wallet.sendTransaction({ chain: foundry, to: from, value: parseEther('10') });
    const h2 = await wallet.writeContract({
      chain: foundry,
      address: token.address,
      abi: erc20Abi,
      functionName: 'transfer',
      args: [from, parseAmount('500', 18)],
    });
    await chain.waitForReceipt(h1);
    await chain.waitForReceipt(h2);
  });
  after(async () => {
    await anvil?.stop();
  });

  async function signAndSend(tx: EvmTransaction) {
    const signed = await assembleSignedTransaction(tx, sign(transactionSigningHash(tx)), from);
    assert.equal(await chain.broadcast(signed.raw, signed.hash), signed.hash);
    const receipt = await chain.waitForReceipt(signed.hash, { timeoutMs: 10_000 });
    return { signed, receipt };
  }

  it('builds, assembles and confirms an EIP-1559 native transfer', async () => {
    const before = await chain.getBalance(recipient);
    const tx = await prepareTransaction({
      chain,
      from,
      call: nativeTransferCall({ to: recipient, amountWei: parseAmount('1.25', 18) }),
    });
    assert.equal(tx.type, 'eip1559');
    assert.equal(tx.chainId, 31337);
    assert.equal(tx.nonce, 0);
    const { receipt, signed } = await signAndSend(tx);
    assert.equal(receipt.status, 'success');
    assert.equal(receipt.from.toLowerCase(), from.toLowerCase());
    assert.equal(signed.from, from);
    assert.equal((await chain.getBalance(recipient)) - before, parseEther('1.25'));
    // Re-broadcasting the same raw transaction is not a second transaction.
    assert.equal(await chain.broadcast(signed.raw, signed.hash), signed.hash);
    assert.equal(await chain.getPendingNonce(from), 1);
  });

  it('builds and confirms an ERC-20 transfer', async () => {
    const tx = await prepareTransaction({
      chain,
      from,
      call: erc20TransferCall({ token: token.address, to: recipient, amount: parseAmount('7.5', 18) }),
    });
    assert.equal(tx.value, '0');
    assert.equal(tx.to, token.address.toLowerCase());
    const { receipt } = await signAndSend(tx);
    assert.equal(receipt.status, 'success');
    assert.equal(await chain.getTokenBalance(token.address, recipient), parseAmount('7.5', 18));
    assert.equal(await chain.getTokenBalance(token.address, from), parseAmount('492.5', 18));
    assert.equal(await chain.getTokenDecimals(token.address), 18);
  });

  it('builds an arbitrary contract call (approve) and a reverting call is reported as reverted', async () => {
    const approve = await prepareTransaction({
      chain,
      from,
      call: contractCall({
        address: token.address,
        abi: erc20Abi,
        functionName: 'approve',
        args: [recipient, 123n],
      }),
    });
    assert.equal((await signAndSend(approve)).receipt.status, 'success');
    // transferring more than the balance reverts; a fixed gas limit skips estimation (which would fail).
    const tooMuch = await prepareTransaction({
      chain,
      from,
      gas: 100_000n,
      call: erc20TransferCall({ token: token.address, to: recipient, amount: parseAmount('1000000', 18) }),
    });
    assert.equal((await signAndSend(tooMuch)).receipt.status, 'reverted');
  });

  it('refuses a signature from another key or over another transaction', async () => {
    const tx = await prepareTransaction({
      chain,
      from,
      call: nativeTransferCall({ to: recipient, amountWei: 1n }),
    });
    const other = { ...tx, value: '2' };
    await assert.rejects(
      assembleSignedTransaction(tx, sign(transactionSigningHash(other)), from),
      (e: unknown) => e instanceof AssembleError && e.code === 'BAD_TRANSACTION_SIGNATURE',
    );
    await assert.rejects(
      assembleSignedTransaction(tx, { r: `0x${'00'.repeat(32)}`, s: `0x${'11'.repeat(32)}`, yParity: 0 }),
      AssembleError,
    );
  });

  it('validates transaction fields instead of coercing them', () => {
    const base: EvmTransaction = {
      type: 'eip1559',
      chainId: 31337,
      nonce: 0,
      to: recipient,
      value: '1',
      data: '0x',
      gas: '21000',
      maxFeePerGas: '2',
      maxPriorityFeePerGas: '1',
    };
    assert.match(transactionSigningHash(base), /^0x[0-9a-f]{64}$/);
    for (const bad of [
      { value: '-1' },
      { value: '1.5' },
      { value: '01' },
      { to: '0x1234' },
      { data: '0xabc' },
      { nonce: -1 },
      { chainId: 0 },
      { maxPriorityFeePerGas: '3' },
    ]) {
      assert.throws(() => transactionSigningHash({ ...base, ...bad } as EvmTransaction), EvmTransactionError);
    }
    assert.throws(() => parseAmount('1.0000001', 6), EvmTransactionError);
    assert.throws(() => parseAmount('abc', 18), EvmTransactionError);
    assert.throws(() => nativeTransferCall({ to: 'nope', amountWei: 1n }), EvmTransactionError);
  });

  it('computes EIP-712 and EIP-191 signing hashes that standard verifiers accept', async () => {
    const typedData = {
      domain: { name: 'Cairn', version: '1', chainId: 31337, verifyingContract: token.address },
      types: { Mail: [{ name: 'contents', type: 'string' }] },
      primaryType: 'Mail',
      message: { contents: 'hello' },
    } as const;
    const s1 = sign(typedDataSigningHash(typedData));
    assert.equal(
      await recoverTypedDataAddress({ ...typedData, signature: { ...s1, yParity: s1.yParity } }),
      from,
    );
    const message = '0x68656c6c6f' as Hex;
    const s2 = sign(personalMessageSigningHash(message));
    assert.equal(await recoverMessageAddress({ message: { raw: message }, signature: s2 }), from);
  });
});
