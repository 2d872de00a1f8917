// Step 5: the chain id and derivation path signed by the initiator are consistent with what is
// signed: the transaction's (or EIP-712 domain's) chain id equals the request's, the kind of
// request fits the vault's signature scheme, and a derivation path is only used where the
// scheme supports derivation. `ed25519.message` is bound to no chain (its chainId is 0, checked
// by the statement schema) and needs a FROST Ed25519 key.
import { schemeById } from '../scheme-registry.ts';
import { OK, type PipelineStep, refuse } from './step.ts';

/** EVM requests need ECDSA over secp256k1; raw Ed25519 messages need FROST Ed25519. */
const SCHEMES_BY_KIND: Record<string, readonly string[]> = {
  'evm.transaction': ['dkls23-secp256k1'],
  'evm.typed-data': ['dkls23-secp256k1'],
  'evm.personal-message': ['dkls23-secp256k1'],
  'ed25519.message': ['frost-ed25519'],
};

export const checkChainBinding: PipelineStep = {
  name: 'check-chain-binding',
  run: (ctx) => {
    const { body, vault } = ctx;
    if (!vault) return refuse('UNKNOWN_VAULT', `vault ${body.vaultId} does not exist on this node`);
    const allowed = SCHEMES_BY_KIND[body.kind] ?? [];
    if (!allowed.includes(vault.scheme))
      return refuse('SCHEME_MISMATCH', `${body.kind} requests cannot be signed with a ${vault.scheme} key`);
    if (body.transaction && body.transaction.chainId !== body.chainId) {
      return refuse(
        'CHAIN_MISMATCH',
        `the transaction is for chain ${body.transaction.chainId} but the request is bound to chain ${body.chainId}`,
      );
    }
    const domainChain = body.typedData?.domain.chainId;
    if (domainChain !== undefined && BigInt(domainChain) !== BigInt(body.chainId)) {
      return refuse(
        'CHAIN_MISMATCH',
        `the EIP-712 domain is for chain ${domainChain}, the request for ${body.chainId}`,
      );
    }
    if (body.derivationPath.length > 0 && !schemeById(vault.scheme).derive)
      return refuse('DERIVATION_UNSUPPORTED', `scheme ${vault.scheme} does not support key derivation`);
    return OK;
  },
};
