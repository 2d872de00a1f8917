// Standard ABIs every EVM custody decoder must know, written from the EIPs and the reference
// contracts: ERC-20 (EIP-20, plus OpenZeppelin's increase/decreaseAllowance), EIP-2612 permit,
// ERC-721 (EIP-721), ERC-1155 (EIP-1155), Ownable, EIP-1967 / UUPS / transparent-proxy admin
// functions, Safe v1.3/1.4 owner/module/guard management and execTransaction, Safe MultiSend,
// Multicall3, `multicall(bytes[])` routers, Uniswap-v2-style routers, Uniswap Permit2, and WETH.
import { type Abi, parseAbi } from 'viem';

export interface NamedAbi {
  /** Short name reported as DecodedCall.abi. */
  name: string;
  abi: Abi;
}

export const STANDARD_ABIS: readonly NamedAbi[] = [
  {
    name: 'erc20',
    abi: parseAbi([
      'function transfer(address to, uint256 amount) returns (bool)',
      'function transferFrom(address from, address to, uint256 amount) returns (bool)',
      'function approve(address spender, uint256 amount) returns (bool)',
      'function increaseAllowance(address spender, uint256 addedValue) returns (bool)',
      'function decreaseAllowance(address spender, uint256 subtractedValue) returns (bool)',
      'function balanceOf(address owner) view returns (uint256)',
      'function allowance(address owner, address spender) view returns (uint256)',
      'function totalSupply() view returns (uint256)',
      'function name() view returns (string)',
      'function symbol() view returns (string)',
      'function decimals() view returns (uint8)',
      'function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)',
      'function nonces(address owner) view returns (uint256)',
      'function DOMAIN_SEPARATOR() view returns (bytes32)',
    ]),
  },
  {
    name: 'erc721',
    abi: parseAbi([
      'function safeTransferFrom(address from, address to, uint256 tokenId)',
      'function safeTransferFrom(address from, address to, uint256 tokenId, bytes data)',
      'function setApprovalForAll(address operator, bool approved)',
      'function isApprovedForAll(address owner, address operator) view returns (bool)',
      'function getApproved(uint256 tokenId) view returns (address)',
      'function ownerOf(uint256 tokenId) view returns (address)',
      'function tokenURI(uint256 tokenId) view returns (string)',
    ]),
  },
  {
    name: 'erc1155',
    abi: parseAbi([
      'function safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes data)',
      'function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] amounts, bytes data)',
      'function balanceOfBatch(address[] owners, uint256[] ids) view returns (uint256[])',
      'function uri(uint256 id) view returns (string)',
    ]),
  },
  {
    name: 'ownable',
    abi: parseAbi([
      'function owner() view returns (address)',
      'function transferOwnership(address newOwner)',
      'function renounceOwnership()',
      'function acceptOwnership()',
      'function pendingOwner() view returns (address)',
    ]),
  },
  {
    name: 'eip1967-proxy',
    abi: parseAbi([
      'function upgradeTo(address newImplementation)',
      'function upgradeToAndCall(address newImplementation, bytes data) payable',
      'function changeAdmin(address newAdmin)',
      'function implementation() view returns (address)',
      'function admin() view returns (address)',
      'function upgradeAndCall(address proxy, address implementation, bytes data) payable',
      'function upgrade(address proxy, address implementation)',
      'function proxiableUUID() view returns (bytes32)',
    ]),
  },
  {
    name: 'safe',
    abi: parseAbi([
      'function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool)',
      'function execTransactionFromModule(address to, uint256 value, bytes data, uint8 operation) returns (bool)',
      'function execTransactionFromModuleReturnData(address to, uint256 value, bytes data, uint8 operation) returns (bool, bytes)',
      'function addOwnerWithThreshold(address owner, uint256 _threshold)',
      'function removeOwner(address prevOwner, address owner, uint256 _threshold)',
      'function swapOwner(address prevOwner, address oldOwner, address newOwner)',
      'function changeThreshold(uint256 _threshold)',
      'function enableModule(address module)',
      'function disableModule(address prevModule, address module)',
      'function setGuard(address guard)',
      'function setFallbackHandler(address handler)',
      'function changeMasterCopy(address _masterCopy)',
      'function approveHash(bytes32 hashToApprove)',
      'function getOwners() view returns (address[])',
      'function getThreshold() view returns (uint256)',
      'function masterCopy() view returns (address)',
      'function VERSION() view returns (string)',
      'function setup(address[] _owners, uint256 _threshold, address to, bytes data, address fallbackHandler, address paymentToken, uint256 payment, address paymentReceiver)',
    ]),
  },
  {
    name: 'multisend',
    abi: parseAbi(['function multiSend(bytes transactions) payable']),
  },
  {
    name: 'multicall3',
    abi: parseAbi([
      'struct Call { address target; bytes callData; }',
      'struct Call3 { address target; bool allowFailure; bytes callData; }',
      'struct Call3Value { address target; bool allowFailure; uint256 value; bytes callData; }',
      'struct Result { bool success; bytes returnData; }',
      'function aggregate(Call[] calls) payable returns (uint256 blockNumber, bytes[] returnData)',
      'function tryAggregate(bool requireSuccess, Call[] calls) payable returns (Result[] returnData)',
      'function blockAndAggregate(Call[] calls) payable returns (uint256 blockNumber, bytes32 blockHash, Result[] returnData)',
      'function tryBlockAndAggregate(bool requireSuccess, Call[] calls) payable returns (uint256 blockNumber, bytes32 blockHash, Result[] returnData)',
      'function aggregate3(Call3[] calls) payable returns (Result[] returnData)',
      'function aggregate3Value(Call3Value[] calls) payable returns (Result[] returnData)',
    ]),
  },
  {
    name: 'multicall',
    abi: parseAbi([
      'function multicall(bytes[] data) payable returns (bytes[] results)',
      'function multicall(uint256 deadline, bytes[] data) payable returns (bytes[] results)',
      'function multicall(bytes32 previousBlockhash, bytes[] data) payable returns (bytes[] results)',
    ]),
  },
  {
    name: 'uniswap-v2-router',
    abi: parseAbi([
      'function swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline) returns (uint256[] amounts)',
      'function swapTokensForExactTokens(uint256 amountOut, uint256 amountInMax, address[] path, address to, uint256 deadline) returns (uint256[] amounts)',
      'function swapExactETHForTokens(uint256 amountOutMin, address[] path, address to, uint256 deadline) payable returns (uint256[] amounts)',
      'function swapTokensForExactETH(uint256 amountOut, uint256 amountInMax, address[] path, address to, uint256 deadline) returns (uint256[] amounts)',
      'function swapExactTokensForETH(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline) returns (uint256[] amounts)',
      'function swapETHForExactTokens(uint256 amountOut, address[] path, address to, uint256 deadline) payable returns (uint256[] amounts)',
      'function swapExactTokensForTokensSupportingFeeOnTransferTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline)',
      'function swapExactETHForTokensSupportingFeeOnTransferTokens(uint256 amountOutMin, address[] path, address to, uint256 deadline) payable',
      'function swapExactTokensForETHSupportingFeeOnTransferTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline)',
      'function addLiquidity(address tokenA, address tokenB, uint256 amountADesired, uint256 amountBDesired, uint256 amountAMin, uint256 amountBMin, address to, uint256 deadline) returns (uint256 amountA, uint256 amountB, uint256 liquidity)',
      'function removeLiquidity(address tokenA, address tokenB, uint256 liquidity, uint256 amountAMin, uint256 amountBMin, address to, uint256 deadline) returns (uint256 amountA, uint256 amountB)',
      'function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes data)',
    ]),
  },
  {
    name: 'permit2',
    abi: parseAbi([
      'struct TokenPermissions { address token; uint256 amount; }',
      'struct PermitTransferFrom { TokenPermissions permitted; uint256 nonce; uint256 deadline; }',
      'struct PermitBatchTransferFrom { TokenPermissions[] permitted; uint256 nonce; uint256 deadline; }',
      'struct SignatureTransferDetails { address to; uint256 requestedAmount; }',
      'struct PermitDetails { address token; uint160 amount; uint48 expiration; uint48 nonce; }',
      'struct PermitSingle { PermitDetails details; address spender; uint256 sigDeadline; }',
      'struct PermitBatch { PermitDetails[] details; address spender; uint256 sigDeadline; }',
      'struct AllowanceTransferDetails { address from; address to; uint160 amount; address token; }',
      'struct TokenSpenderPair { address token; address spender; }',
      'function approve(address token, address spender, uint160 amount, uint48 expiration)',
      'function permit(address owner, PermitSingle permitSingle, bytes signature)',
      'function permit(address owner, PermitBatch permitBatch, bytes signature)',
      'function transferFrom(address from, address to, uint160 amount, address token)',
      'function transferFrom(AllowanceTransferDetails[] transferDetails)',
      'function permitTransferFrom(PermitTransferFrom permit, SignatureTransferDetails transferDetails, address owner, bytes signature)',
      'function permitTransferFrom(PermitBatchTransferFrom permit, SignatureTransferDetails[] transferDetails, address owner, bytes signature)',
      'function lockdown(TokenSpenderPair[] approvals)',
      'function invalidateNonces(address token, address spender, uint48 newNonce)',
    ]),
  },
  {
    name: 'weth',
    abi: parseAbi(['function deposit() payable', 'function withdraw(uint256 wad)']),
  },
];

/** Permit2's canonical address (same on every chain, deployed with CREATE2). */
export const PERMIT2_ADDRESS = '0x000000000022d473030f116ddee9f6b43ac78ba3';
