// The policy facts of a signed request (docs/policy.md §9), derived by the node itself from the
// initiator-signed request and the vault's admin-signed keygen job, never taken from the
// coordinator. The mapping is the one the coordinator uses (packages/coordinator/src/policy/
// request-facts.ts, docs/coordinator.md "Request facts"): both sides must derive byte-identical
// facts, or the request digest approvals bind and the decision every node recomputes diverge.
//
//   id = body.requestId; initiator = the vault initiator id of the signing key;
//   vault = { id: body.vaultId, tags: [] }; chain = eip155:<chainId>; submittedAt = createdAt × 1000
//   evm.transaction, empty calldata          → transfer (native, 18 decimals), destination = to
//   evm.transaction, value 0, ERC-20 transfer → transfer of eip155:N/erc20:<token>
//   evm.transaction, value 0, approve / increaseAllowance → token_approval, destination = spender
//   evm.transaction, anything else           → contract_call (native value), destination = to
//   evm.typed-data                           → typed_data, amount 0, destination = verifyingContract
//   evm.personal-message                     → raw_message, amount 0
//   ed25519.message                          → raw_message, amount 0, chain = cairn:none (no chain)
import type { PolicyRequest } from '@cairn/policy';
import { decodeFunctionData, erc20Abi, type Hex, parseAbi } from 'viem';
import type { Initiator } from './statements/keygen-job.ts';
import type { SignedRequest } from './statements/sign-request.ts';

/** The policy `chain` of a request bound to no chain (`ed25519.message`): CAIP-2 shaped, never an EVM chain. */
export const NO_CHAIN = 'cairn:none';

/** Decimals of an ERC-20 asset when the deployment knows them (default 18, as the coordinator). */
export type AssetDecimals = (chainId: number, token: string) => number | undefined;

const allowanceAbi = parseAbi(['function increaseAllowance(address spender, uint256 addedValue)']);

/** CAIP-19 id of a chain's native asset (SLIP-44 coin type 60). */
export function nativeAssetIdOf(chainId: number): string {
  return `eip155:${chainId}/slip44:60`;
}

/** CAIP-19 id of an ERC-20 token (lowercase address). */
export function erc20AssetIdOf(chainId: number, token: string): string {
  return `eip155:${chainId}/erc20:${token.toLowerCase()}`;
}

/** The id the vault's keygen job gives the initiator's key, or null when the key is not an initiator. */
export function initiatorIdOf(request: SignedRequest, initiators: readonly Initiator[]): string | null {
  const key = request.initiator.toLowerCase();
  return initiators.find((i) => i.publicKey.toLowerCase() === key)?.id ?? null;
}

/** The policy facts of a signed request whose initiator is `initiatorId`. Pure. */
export function policyRequestFacts(
  request: SignedRequest,
  initiatorId: string,
  assetDecimals?: AssetDecimals,
): PolicyRequest {
  const body = request.body;
  const chainId = body.chainId;
  const base = {
    id: body.requestId,
    initiator: initiatorId,
    vault: { id: body.vaultId, tags: [] as string[] },
    chain: `eip155:${chainId}`,
    submittedAt: body.createdAt * 1000,
  };
  if (body.kind === 'evm.typed-data') {
    const contract = body.typedData?.domain.verifyingContract;
    return {
      ...base,
      kind: 'typed_data',
      amount: 0n,
      ...(contract ? { destination: { address: contract.toLowerCase() } } : {}),
    };
  }
  if (body.kind === 'evm.personal-message') return { ...base, kind: 'raw_message', amount: 0n };
  if (body.kind === 'ed25519.message') return { ...base, chain: NO_CHAIN, kind: 'raw_message', amount: 0n };
  const tx = body.transaction!;
  const to = tx.to.toLowerCase();
  const native = { id: nativeAssetIdOf(chainId), decimals: 18 };
  if (tx.data === '0x') {
    return {
      ...base,
      kind: 'transfer',
      asset: native,
      amount: BigInt(tx.value),
      destination: { address: to },
    };
  }
  const token = () => ({ id: erc20AssetIdOf(chainId, to), decimals: assetDecimals?.(chainId, to) ?? 18 });
  // Only a call without native value reads as a token operation: value + calldata is a contract call.
  if (BigInt(tx.value) === 0n) {
    const call = decodeErc20(tx.data as Hex);
    if (call?.functionName === 'transfer') {
      const [recipient, amount] = call.args as [string, bigint];
      return {
        ...base,
        kind: 'transfer',
        asset: token(),
        amount,
        destination: { address: recipient.toLowerCase() },
      };
    }
    if (call?.functionName === 'approve' || call?.functionName === 'increaseAllowance') {
      const [spender, amount] = call.args as [string, bigint];
      return {
        ...base,
        kind: 'token_approval',
        asset: token(),
        amount,
        destination: { address: spender.toLowerCase() },
      };
    }
  }
  return {
    ...base,
    kind: 'contract_call',
    asset: native,
    amount: BigInt(tx.value),
    destination: { address: to },
  };
}

function decodeErc20(data: Hex): { functionName: string; args: readonly unknown[] } | null {
  for (const abi of [erc20Abi, allowanceAbi]) {
    try {
      const d = decodeFunctionData({ abi, data });
      return { functionName: d.functionName, args: d.args ?? [] };
    } catch {
      // not this ABI
    }
  }
  return null;
}
