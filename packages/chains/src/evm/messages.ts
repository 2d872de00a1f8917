// Signing payloads of the message request kinds.
// EIP-712 §Specification: hash = keccak256("\x19\x01" || domainSeparator || hashStruct(message)).
// EIP-191 version 0x45 (personal_sign): keccak256("\x19Ethereum Signed Message:\n" || len || message).
import { type Hex, hashMessage, hashTypedData, type TypedDataDefinition } from 'viem';

/** EIP-712 typed data in its JSON form (as sent to eth_signTypedData_v4). */
export type EvmTypedData = TypedDataDefinition;

/** The EIP-712 signing hash of typed data. Throws when the types do not describe the message. */
export function typedDataSigningHash(typedData: EvmTypedData): Hex {
  return hashTypedData(typedData);
}

/** The EIP-191 personal-message hash of raw bytes (0x hex). */
export function personalMessageSigningHash(message: Hex): Hex {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(message)) throw new TypeError('message must be 0x-prefixed hex bytes');
  return hashMessage({ raw: message });
}
