// Event signatures the extractors read (topic 0 = keccak256 of the event signature).
import { toEventSelector } from 'viem';

export const TOPIC = {
  /** ERC-20 (3 topics) and ERC-721 (4 topics: tokenId indexed). */
  Transfer: toEventSelector('Transfer(address,address,uint256)'),
  /** ERC-20 (3 topics) and ERC-721 (4 topics). */
  Approval: toEventSelector('Approval(address,address,uint256)'),
  ApprovalForAll: toEventSelector('ApprovalForAll(address,address,bool)'),
  TransferSingle: toEventSelector('TransferSingle(address,address,address,uint256,uint256)'),
  TransferBatch: toEventSelector('TransferBatch(address,address,address,uint256[],uint256[])'),
  /** WETH9 wrap / unwrap (no Transfer event). */
  Deposit: toEventSelector('Deposit(address,uint256)'),
  Withdrawal: toEventSelector('Withdrawal(address,uint256)'),
  /** Uniswap Permit2 AllowanceTransfer. */
  Permit2Approval: toEventSelector('Approval(address,address,address,uint160,uint48)'),
  Permit2Permit: toEventSelector('Permit(address,address,address,uint160,uint48,uint48)'),
  Permit2Lockdown: toEventSelector('Lockdown(address,address,address)'),
} as const;

/** The address in a 32-byte topic or word. */
export const topicAddress = (topic: string): `0x${string}` =>
  `0x${topic.slice(-40)}`.toLowerCase() as `0x${string}`;

/** The i-th 32-byte word of ABI data, as a bigint. */
export function dataWord(data: string, i: number): bigint {
  const hex = data.slice(2 + i * 64, 2 + (i + 1) * 64);
  return hex.length === 64 ? BigInt(`0x${hex}`) : 0n;
}
