// `cairn vault fund` (dev cluster only): sends ether or demo tokens from the anvil dev account
// to a vault's address, so the next transfer has something to move.
import { ANVIL_DEV_PRIVATE_KEYS, EvmChain, erc20TransferCall, parseAmount } from '@cairn/chains';
import { createWalletClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { rethrow } from './create-vault.ts';
import { type OperatorContext, OperatorError } from './operator-context.ts';

export interface FundResult {
  vault: string;
  address: string;
  asset: string;
  amount: string;
  txHash: string;
  balance: string;
}

export async function fundVaultOperation(
  ctx: OperatorContext,
  o: { vault: string; amount: string; token?: string },
): Promise<FundResult> {
  const dev = ctx.dev;
  if (!dev)
    throw new OperatorError('UNAVAILABLE', "funding is for the local dev cluster: run 'cairn dev' first");
  const vault = await ctx.api.vault(o.vault).catch(rethrow);
  if (!vault.address) throw new OperatorError('INVALID_INPUT', `vault ${vault.name} has no EVM address`);
  const chain = new EvmChain({ rpcUrl: dev.rpcUrl, pollingIntervalMs: 50 });
  const account = privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[dev.funderAccount]!);
  const wallet = createWalletClient({ account, transport: http(dev.rpcUrl) });
  const chainDef = {
    id: dev.chainId,
    name: 'cairn-dev',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [dev.rpcUrl] } },
  } as const;
  const token = o.token === 'demo' ? dev.token.address : o.token;
  let hash: Hex;
  try {
    if (token) {
      const amount = parseAmount(o.amount, await chain.getTokenDecimals(token as Hex));
      const call = erc20TransferCall({ token, to: vault.address, amount });
      hash = await wallet.sendTransaction({ chain: chainDef, to: call.to, data: call.data, value: 0n });
    } else {
      hash = await wallet.sendTransaction({
        chain: chainDef,
        to: vault.address as Hex,
        value: parseAmount(o.amount, 18),
      });
    }
  } catch (error) {
    throw new OperatorError(
      'FAILED',
      (error as { shortMessage?: string }).shortMessage ?? (error as Error).message,
    );
  }
  const receipt = await chain.waitForReceipt(hash, { timeoutMs: 30_000 });
  if (receipt.status !== 'success') throw new OperatorError('FAILED', `funding transaction ${hash} reverted`);
  const balance = token
    ? await chain.getTokenBalance(token as Hex, vault.address as Hex)
    : await chain.getBalance(vault.address as Hex);
  return {
    vault: vault.name,
    address: vault.address,
    asset: token ?? 'native',
    amount: o.amount,
    txHash: hash,
    balance: balance.toString(),
  };
}
