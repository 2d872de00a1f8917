// The facts the policy evaluator reads about a sign request (docs/policy.md §9), derived from the
// initiator's signed request and nothing else the coordinator could invent: every signer node
// derives the same facts from the same signed request and the vault's keygen job, so the request
// digest that approvals bind and the decision the nodes recompute agree with the coordinator's.
//
// Mapping (docs/coordinator-wiring.md "Request facts"):
//   id           = body.requestId
//   initiator    = the id the vault's keygen job gives the initiator's public key
//   vault        = { id: body.vaultId, tags: [] }  (vaults carry no tags yet)
//   chain        = eip155:<chainId>
//   submittedAt  = body.createdAt × 1000 (signed by the initiator)
//   evm.transaction, empty calldata      → transfer of the native asset (eip155:N/slip44:60, 18
//                                          decimals), amount = value, destination = to
//   evm.transaction, ERC-20 transfer()   → transfer of eip155:N/erc20:<token>, amount and destination
//                                          from the calldata
//   evm.transaction, ERC-20 approve() / increaseAllowance() → token_approval, destination = spender
//   evm.transaction, anything else       → contract_call, amount = value (native), destination = to
//   evm.typed-data                       → typed_data, amount 0, destination = verifyingContract
//   evm.personal-message                 → raw_message, amount 0
import type { SignedRequest } from '@cairn/node';
import type { PolicyRequest } from '@cairn/policy';
import { decodeFunctionData, erc20Abi, type Hex, parseAbi } from 'viem';

/** Decimals of an ERC-20 asset, when the deployment knows them; 18 otherwise. */
export type AssetDecimals = (chainId: number, token: string) => number | undefined;

export interface PolicyRequestOfParameters {
  request: SignedRequest;
  /** The vault's initiators (from its admin-signed keygen job). */
  initiators: readonly { id: string; publicKey: string }[];
  assetDecimals?: AssetDecimals;
}

export class RequestFactsError extends Error {
  readonly code = 'NOT_INITIATOR' as const;
  constructor(message: string) {
    super(message);
    this.name = 'RequestFactsError';
  }
}

const allowanceAbi = parseAbi(['function increaseAllowance(address spender, uint256 addedValue)']);

/** CAIP-19 id of a chain's native asset (ETH: SLIP-44 coin type 60). */
export function nativeAssetId(chainId: number): string {
  return `eip155:${chainId}/slip44:60`;
}

export function erc20AssetId(chainId: number, token: string): string {
  return `eip155:${chainId}/erc20:${token.toLowerCase()}`;
}

/** The policy facts of a signed request. Throws RequestFactsError for an unknown initiator. */
export function policyRequestOf(p: PolicyRequestOfParameters): PolicyRequest {
  const body = p.request.body;
  const key = p.request.initiator.toLowerCase();
  const initiator = p.initiators.find((i) => i.publicKey.toLowerCase() === key);
  if (!initiator) throw new RequestFactsError(`key ${key} is not an initiator of vault ${body.vaultId}`);
  const chainId = body.chainId;
  const base = {
    id: body.requestId,
    initiator: initiator.id,
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
  const tx = body.transaction!;
  const to = tx.to.toLowerCase();
  const native = { id: nativeAssetId(chainId), decimals: 18 };
  if (tx.data === '0x') {
    return {
      ...base,
      kind: 'transfer',
      asset: native,
      amount: BigInt(tx.value),
      destination: { address: to },
    };
  }
  const token = () => ({
    id: erc20AssetId(chainId, to),
    decimals: p.assetDecimals?.(chainId, to) ?? 18,
  });
  // Only a call without native value is read as a token operation: value + calldata is a contract call.
  if (BigInt(tx.value) === 0n) {
    const erc20 = decode(tx.data as Hex);
    if (erc20?.functionName === 'transfer') {
      const [recipient, amount] = erc20.args as [string, bigint];
      return {
        ...base,
        kind: 'transfer',
        asset: token(),
        amount,
        destination: { address: recipient.toLowerCase() },
      };
    }
    if (erc20?.functionName === 'approve' || erc20?.functionName === 'increaseAllowance') {
      const [spender, amount] = erc20.args as [string, bigint];
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

function decode(data: Hex): { functionName: string; args: readonly unknown[] } | null {
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
