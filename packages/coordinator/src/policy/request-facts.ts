// The facts the policy evaluator reads about a sign request (docs/policy.md §9), derived from the
// initiator's signed request and nothing else the coordinator could invent: every signer node
// derives the same facts from the same signed request and the vault's keygen job, so the request
// digest that approvals bind and the decision the nodes recompute agree with the coordinator's.
//
// The mapping is implemented once, in @cairn/node (`policyRequestFacts`), and used here and by
// every node, so the two sides cannot drift (docs/coordinator-wiring.md "Request facts"):
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
//   ed25519.message                      → raw_message, amount 0, chain = cairn:none (no chain)
import {
  type AssetDecimals,
  erc20AssetIdOf,
  initiatorIdOf,
  nativeAssetIdOf,
  policyRequestFacts,
  type SignedRequest,
} from '@cairn/node';
import type { PolicyRequest } from '@cairn/policy';

export type { AssetDecimals };

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

/** CAIP-19 id of a chain's native asset (ETH: SLIP-44 coin type 60). */
export const nativeAssetId: (chainId: number) => string = nativeAssetIdOf;

export const erc20AssetId: (chainId: number, token: string) => string = erc20AssetIdOf;

/** The policy facts of a signed request. Throws RequestFactsError for an unknown initiator. */
export function policyRequestOf(p: PolicyRequestOfParameters): PolicyRequest {
  const id = initiatorIdOf(p.request, p.initiators as Parameters<typeof initiatorIdOf>[1]);
  if (!id) {
    throw new RequestFactsError(
      `key ${p.request.initiator.toLowerCase()} is not an initiator of vault ${p.request.body.vaultId}`,
    );
  }
  return policyRequestFacts(p.request, id, p.assetDecimals);
}
