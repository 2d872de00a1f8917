// The bytes a signer node signs for an EVM request, recomputed from the request itself (never an
// opaque hash from the coordinator): keccak256 of the serialized unsigned EIP-1559 transaction
// (EIP-1559 / EIP-2718 type 2), the EIP-712 typed-data hash, or the EIP-191 personal-message hash.
import { type Hex, hashMessage, hashTypedData, hexToBytes, type TypedDataDefinition } from 'viem';
import { type EvmTransaction, transactionSigningHash } from './transaction.ts';

export interface EvmSigningPayloadRequest {
  /** An EVM kind; any other kind (e.g. `ed25519.message`) throws SigningPayloadError. */
  kind: 'evm.transaction' | 'evm.typed-data' | 'evm.personal-message' | (string & {});
  chainId: number;
  transaction?: {
    type: 'eip1559';
    chainId: number;
    nonce: number;
    to: string;
    value: string;
    data: string;
    gas: string;
    maxFeePerGas: string;
    maxPriorityFeePerGas: string;
  };
  typedData?: {
    types: Record<string, readonly { name: string; type: string }[]>;
    primaryType: string;
    domain: Record<string, unknown>;
    message: Record<string, unknown>;
  };
  /** 0x-hex bytes of the message. */
  message?: string;
}

export class SigningPayloadError extends Error {
  readonly code = 'PAYLOAD_UNCOMPUTABLE' as const;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SigningPayloadError';
  }
}

/** The 32-byte hash an ECDSA signer signs for `request`. Throws SigningPayloadError when it cannot be computed. */
export function evmSigningPayload(request: EvmSigningPayloadRequest): Uint8Array {
  try {
    switch (request.kind) {
      case 'evm.transaction': {
        const tx = request.transaction;
        if (!tx) throw new SigningPayloadError('evm.transaction request without a transaction');
        if (tx.chainId !== request.chainId) {
          throw new SigningPayloadError(
            `transaction chain id ${tx.chainId} differs from request chain id ${request.chainId}`,
          );
        }
        // The one serialization (and its validation) every signer and the broadcaster use.
        return hexToBytes(transactionSigningHash(tx as EvmTransaction));
      }
      case 'evm.typed-data': {
        const td = request.typedData;
        if (!td) throw new SigningPayloadError('evm.typed-data request without typedData');
        const domain = { ...td.domain };
        if (domain.chainId !== undefined) domain.chainId = BigInt(domain.chainId as string | number);
        return hexToBytes(
          hashTypedData({
            domain,
            types: td.types,
            primaryType: td.primaryType,
            message: td.message,
          } as TypedDataDefinition),
        );
      }
      case 'evm.personal-message': {
        if (request.message === undefined)
          throw new SigningPayloadError('evm.personal-message request without message');
        return hexToBytes(hashMessage({ raw: request.message as Hex }));
      }
      default:
        throw new SigningPayloadError(
          `unsupported request kind ${String((request as { kind: unknown }).kind)}`,
        );
    }
  } catch (error) {
    if (error instanceof SigningPayloadError) throw error;
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SigningPayloadError(`cannot compute the signing payload: ${message}`, { cause: error });
  }
}
