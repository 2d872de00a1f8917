// EIP-1559 (type 2) transactions in the JSON form carried inside signed requests: every integer
// that can exceed 2^53 is a decimal string, so the initiator's signature covers exact values.
// EIP-1559 §Specification: the signing payload is keccak256(0x02 || rlp([chainId, nonce,
// maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList])).
import {
  type Address,
  getAddress,
  type Hex,
  isAddress,
  keccak256,
  serializeTransaction,
  type TransactionSerializableEIP1559,
} from 'viem';

/** An unsigned EIP-1559 transaction as it appears in a `SignRequestBody`. */
export interface EvmTransaction {
  type: 'eip1559';
  chainId: number;
  nonce: number;
  to: Address;
  /** Wei, decimal string. */
  value: string;
  data: Hex;
  /** Gas limit, decimal string. */
  gas: string;
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
}

export type EvmTransactionErrorCode = 'INVALID_TRANSACTION';

/** A transaction that cannot be a valid EIP-1559 transaction (bad address, negative value, …). */
export class EvmTransactionError extends Error {
  readonly code: EvmTransactionErrorCode = 'INVALID_TRANSACTION';
  constructor(message: string) {
    super(message);
    this.name = 'EvmTransactionError';
  }
}

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;

function decimal(field: string, value: string): bigint {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw new EvmTransactionError(
      `${field} must be a non-negative decimal integer string, got ${String(value)}`,
    );
  }
  const n = BigInt(value);
  if (n >= 1n << 256n) throw new EvmTransactionError(`${field} must be below 2^256`);
  return n;
}

/**
 * Converts the JSON form to viem's serializable form, validating every field. Throws
 * EvmTransactionError; never silently coerces.
 */
export function toSerializableTransaction(tx: EvmTransaction): TransactionSerializableEIP1559 {
  if (tx.type !== 'eip1559') throw new EvmTransactionError(`unsupported transaction type ${String(tx.type)}`);
  if (!Number.isSafeInteger(tx.chainId) || tx.chainId <= 0) {
    throw new EvmTransactionError('chainId must be a positive integer');
  }
  if (!Number.isSafeInteger(tx.nonce) || tx.nonce < 0) {
    throw new EvmTransactionError('nonce must be a non-negative integer');
  }
  if (typeof tx.to !== 'string' || !isAddress(tx.to, { strict: false })) {
    throw new EvmTransactionError(`to must be a 20-byte hex address, got ${String(tx.to)}`);
  }
  if (typeof tx.data !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(tx.data)) {
    throw new EvmTransactionError('data must be 0x-prefixed hex of whole bytes');
  }
  const maxFeePerGas = decimal('maxFeePerGas', tx.maxFeePerGas);
  const maxPriorityFeePerGas = decimal('maxPriorityFeePerGas', tx.maxPriorityFeePerGas);
  if (maxPriorityFeePerGas > maxFeePerGas) {
    throw new EvmTransactionError('maxPriorityFeePerGas must not exceed maxFeePerGas');
  }
  return {
    type: 'eip1559',
    chainId: tx.chainId,
    nonce: tx.nonce,
    to: getAddress(tx.to),
    value: decimal('value', tx.value),
    data: tx.data.toLowerCase() as Hex,
    gas: decimal('gas', tx.gas),
    maxFeePerGas,
    maxPriorityFeePerGas,
  };
}

/** The EIP-2718 serialization of the unsigned transaction (0x02 || rlp(...)). */
export function serializeUnsignedTransaction(tx: EvmTransaction): Hex {
  return serializeTransaction(toSerializableTransaction(tx));
}

/**
 * The 32-byte hash an ECDSA signer signs for this transaction: keccak256 of the serialized
 * unsigned transaction. Nodes recompute it from the transaction, never trust a given hash.
 */
export function transactionSigningHash(tx: EvmTransaction): Hex {
  return keccak256(serializeUnsignedTransaction(tx));
}

/**
 * Normalizes a transaction (lowercase `to` and data, canonical decimal strings) so equal
 * transactions have one JSON form, which is what the initiator signs.
 */
export function normalizeTransaction(tx: EvmTransaction): EvmTransaction {
  const s = toSerializableTransaction(tx);
  return {
    type: 'eip1559',
    chainId: s.chainId,
    nonce: s.nonce!,
    to: s.to!.toLowerCase() as Address,
    value: s.value!.toString(),
    data: s.data!,
    gas: s.gas!.toString(),
    maxFeePerGas: s.maxFeePerGas!.toString(),
    maxPriorityFeePerGas: s.maxPriorityFeePerGas!.toString(),
  };
}
