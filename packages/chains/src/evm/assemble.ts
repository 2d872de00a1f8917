// Assembling a signed EIP-1559 transaction from a threshold ECDSA signature (r, s, yParity),
// and checking, before anything is broadcast, that it recovers to the expected sender.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  type Address,
  getAddress,
  type Hex,
  keccak256,
  recoverTransactionAddress,
  serializeTransaction,
} from 'viem';
import { publicKeyToAddress } from 'viem/accounts';
import { type EvmTransaction, toSerializableTransaction } from './transaction.ts';

/** An ECDSA signature over a transaction hash: 32-byte r and s (low-S), recovery parity. */
export interface EcdsaSignature {
  r: Hex;
  s: Hex;
  yParity: 0 | 1;
}

export interface SignedEvmTransaction {
  /** EIP-2718 encoded signed transaction, ready for eth_sendRawTransaction. */
  raw: Hex;
  /** The transaction hash (keccak256 of `raw`). */
  hash: Hex;
  /** The sender the signature recovers to. */
  from: Address;
}

export class AssembleError extends Error {
  readonly code: 'BAD_TRANSACTION_SIGNATURE';
  constructor(message: string) {
    super(message);
    this.name = 'AssembleError';
    this.code = 'BAD_TRANSACTION_SIGNATURE';
  }
}

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

function word(field: string, value: Hex): Hex {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new AssembleError(`${field} must be 32 bytes of hex`);
  return value.toLowerCase() as Hex;
}

/**
 * Serializes the signed transaction. When `expectedFrom` is given, the signature must recover to
 * it (a signature from the wrong key, or over a different transaction, is refused here rather
 * than discovered on chain).
 */
export async function assembleSignedTransaction(
  tx: EvmTransaction,
  signature: EcdsaSignature,
  expectedFrom?: Address,
): Promise<SignedEvmTransaction> {
  const r = word('r', signature.r);
  const s = word('s', signature.s);
  if (signature.yParity !== 0 && signature.yParity !== 1) throw new AssembleError('yParity must be 0 or 1');
  // EIP-2: signatures with s in the upper half of the order are invalid.
  if (BigInt(s) > SECP256K1_HALF_N || BigInt(s) === 0n || BigInt(r) === 0n) {
    throw new AssembleError('signature is not a canonical low-S ECDSA signature');
  }
  const raw = serializeTransaction(toSerializableTransaction(tx), { r, s, yParity: signature.yParity });
  let from: Address;
  try {
    from = await recoverTransactionAddress({ serializedTransaction: raw as never });
  } catch (error) {
    throw new AssembleError(`signature does not recover: ${(error as Error).message}`);
  }
  if (expectedFrom && getAddress(expectedFrom) !== from) {
    throw new AssembleError(`signature recovers to ${from}, expected ${getAddress(expectedFrom)}`);
  }
  return { raw, hash: keccak256(raw), from };
}

/** The EVM address of a secp256k1 public key (33-byte compressed or 65-byte uncompressed hex). */
export function evmAddressOfPublicKey(publicKey: Hex): Address {
  if (!/^0x([0-9a-fA-F]{66}|[0-9a-fA-F]{130})$/.test(publicKey)) {
    throw new TypeError('expected a 33- or 65-byte secp256k1 public key in hex');
  }
  const point = secp256k1.Point.fromHex(publicKey.slice(2));
  return publicKeyToAddress(`0x${point.toHex(false)}` as Hex);
}
