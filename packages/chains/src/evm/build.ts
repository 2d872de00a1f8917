// Builders for the transactions Cairn signs: native transfers, ERC-20 transfers and arbitrary
// contract calls, as unsigned EIP-1559 transactions with nonce, fees and gas taken from the chain.
import {
  type Abi,
  type Address,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  type Hex,
  isAddress,
  parseUnits,
} from 'viem';
import type { EvmChain } from './chain.ts';
import { type EvmTransaction, EvmTransactionError, normalizeTransaction } from './transaction.ts';

/** What a transaction does, before nonce, fees and gas are known. */
export interface EvmCall {
  to: Address;
  value: bigint;
  data: Hex;
}

function address(field: string, value: string): Address {
  if (!isAddress(value, { strict: false }))
    throw new EvmTransactionError(`${field} is not an EVM address: ${value}`);
  return getAddress(value);
}

/** Sends `amountWei` of the chain's native currency to `to`. */
export function nativeTransferCall(params: { to: string; amountWei: bigint }): EvmCall {
  if (params.amountWei < 0n) throw new EvmTransactionError('amount must not be negative');
  return { to: address('to', params.to), value: params.amountWei, data: '0x' };
}

/** EIP-20 `transfer(to, amount)` on `token`, amount in the token's base units. */
export function erc20TransferCall(params: { token: string; to: string; amount: bigint }): EvmCall {
  if (params.amount < 0n) throw new EvmTransactionError('amount must not be negative');
  return {
    to: address('token', params.token),
    value: 0n,
    data: encodeFunctionData({
      abi: erc20Abi,
      functionName: 'transfer',
      args: [address('to', params.to), params.amount],
    }),
  };
}

/** Any contract call: ABI-encodes `functionName(args)` on `address`. */
export function contractCall(params: {
  address: string;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
  value?: bigint;
}): EvmCall {
  return {
    to: address('address', params.address),
    value: params.value ?? 0n,
    data: encodeFunctionData({
      abi: params.abi,
      functionName: params.functionName,
      args: params.args ?? [],
    } as never),
  };
}

/** Parses a human amount ("1.5") into base units with `decimals`; refuses garbage and excess precision. */
export function parseAmount(amount: string, decimals: number): bigint {
  if (!/^(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(amount)) {
    throw new EvmTransactionError(`amount must be a positive decimal number like 1.5, got ${amount}`);
  }
  const fraction = amount.split('.')[1] ?? '';
  if (fraction.length > decimals) {
    throw new EvmTransactionError(`amount ${amount} has more than ${decimals} decimal places`);
  }
  return parseUnits(amount, decimals);
}

export interface PrepareTransactionParameters {
  chain: EvmChain;
  from: Address;
  call: EvmCall;
  /** Use this nonce instead of the chain's pending nonce (e.g. when several are in flight). */
  nonce?: number;
  /** Gas limit; estimated (+20 %) when omitted. */
  gas?: bigint;
}

/** Fills nonce, fees and gas from the chain: the unsigned transaction an initiator signs. */
export async function prepareTransaction(params: PrepareTransactionParameters): Promise<EvmTransaction> {
  const { chain, from, call } = params;
  const [chainId, nonce, fees, gas] = await Promise.all([
    chain.getChainId(),
    params.nonce ?? chain.getPendingNonce(from),
    chain.estimateFees(),
    params.gas ?? chain.estimateGas({ from, ...call }).then((g) => (g * 12n) / 10n),
  ]);
  return normalizeTransaction({
    type: 'eip1559',
    chainId,
    nonce,
    to: call.to,
    value: call.value.toString(),
    data: call.data,
    gas: gas.toString(),
    maxFeePerGas: fees.maxFeePerGas.toString(),
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
  });
}
