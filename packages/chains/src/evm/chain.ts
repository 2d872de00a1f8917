// A connection to one EVM chain over JSON-RPC (viem public client): what the coordinator needs
// to prepare, broadcast and confirm transactions. RPC endpoints are trusted for chain data only.
import {
  type Address,
  createPublicClient,
  erc20Abi,
  type Hex,
  http,
  type PublicClient,
  TransactionNotFoundError,
  TransactionReceiptNotFoundError,
} from 'viem';

export type EvmChainErrorCode =
  | 'RPC_UNAVAILABLE'
  | 'BROADCAST_REJECTED'
  | 'RECEIPT_TIMEOUT'
  | 'CHAIN_MISMATCH';

export class EvmChainError extends Error {
  readonly code: EvmChainErrorCode;
  constructor(code: EvmChainErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EvmChainError';
    this.code = code;
  }
}

/** The parts of a receipt Cairn records. */
export interface EvmReceipt {
  transactionHash: Hex;
  status: 'success' | 'reverted';
  blockNumber: string;
  blockHash: Hex;
  gasUsed: string;
  effectiveGasPrice: string;
  from: Address;
  to: Address | null;
}

export interface EvmFees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

export interface EvmChainParameters {
  rpcUrl: string;
  /** Milliseconds between receipt polls (default 100). */
  pollingIntervalMs?: number;
}

export class EvmChain {
  readonly rpcUrl: string;
  readonly client: PublicClient;
  readonly pollingIntervalMs: number;

  constructor(params: EvmChainParameters) {
    this.rpcUrl = params.rpcUrl;
    this.pollingIntervalMs = params.pollingIntervalMs ?? 100;
    this.client = createPublicClient({
      transport: http(params.rpcUrl, { retryCount: 0, timeout: 10_000 }),
      pollingInterval: this.pollingIntervalMs,
    });
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof EvmChainError) throw error;
      throw new EvmChainError('RPC_UNAVAILABLE', `${what} failed on ${this.rpcUrl}: ${shortMessage(error)}`, {
        cause: error,
      });
    }
  }

  getChainId(): Promise<number> {
    return this.call('eth_chainId', () => this.client.getChainId());
  }

  /** The next nonce including pending transactions. */
  getPendingNonce(address: Address): Promise<number> {
    return this.call('eth_getTransactionCount', () =>
      this.client.getTransactionCount({ address, blockTag: 'pending' }),
    );
  }

  /** EIP-1559 fees: priority fee from the node, max fee = 2 × base fee + priority fee. */
  estimateFees(): Promise<EvmFees> {
    return this.call('fee estimation', async () => {
      const fees = await this.client.estimateFeesPerGas();
      return { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas };
    });
  }

  estimateGas(params: { from: Address; to: Address; value: bigint; data: Hex }): Promise<bigint> {
    return this.call('eth_estimateGas', () =>
      this.client.estimateGas({
        account: params.from,
        to: params.to,
        value: params.value,
        data: params.data,
      }),
    );
  }

  getBalance(address: Address): Promise<bigint> {
    return this.call('eth_getBalance', () => this.client.getBalance({ address }));
  }

  getTokenBalance(token: Address, owner: Address): Promise<bigint> {
    return this.call('ERC-20 balanceOf', () =>
      this.client.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [owner] }),
    );
  }

  getTokenDecimals(token: Address): Promise<number> {
    return this.call('ERC-20 decimals', () =>
      this.client.readContract({ address: token, abi: erc20Abi, functionName: 'decimals' }),
    );
  }

  /** True when the node knows the transaction (pending or mined). */
  async hasTransaction(hash: Hex): Promise<boolean> {
    try {
      await this.client.getTransaction({ hash });
      return true;
    } catch (error) {
      if (error instanceof TransactionNotFoundError) return false;
      throw new EvmChainError('RPC_UNAVAILABLE', `eth_getTransactionByHash failed: ${shortMessage(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * Broadcasts a signed raw transaction. Idempotent: when the node already has a transaction
   * with this hash (a retry after a crash), that counts as success, not as a second broadcast.
   */
  async broadcast(raw: Hex, hash: Hex): Promise<Hex> {
    try {
      return await this.client.sendRawTransaction({ serializedTransaction: raw });
    } catch (error) {
      if (await this.hasTransaction(hash).catch(() => false)) return hash;
      const message = shortMessage(error);
      const code = /fetch failed|ECONNREFUSED|timed? ?out|HTTP request failed/i.test(message)
        ? 'RPC_UNAVAILABLE'
        : 'BROADCAST_REJECTED';
      throw new EvmChainError(code, `eth_sendRawTransaction: ${message}`, { cause: error });
    }
  }

  /** The receipt, or null while the transaction is not mined. */
  async getReceipt(hash: Hex): Promise<EvmReceipt | null> {
    try {
      const r = await this.client.getTransactionReceipt({ hash });
      return {
        transactionHash: r.transactionHash,
        status: r.status,
        blockNumber: r.blockNumber.toString(),
        blockHash: r.blockHash,
        gasUsed: r.gasUsed.toString(),
        effectiveGasPrice: r.effectiveGasPrice.toString(),
        from: r.from,
        to: r.to,
      };
    } catch (error) {
      if (error instanceof TransactionReceiptNotFoundError) return null;
      throw new EvmChainError('RPC_UNAVAILABLE', `eth_getTransactionReceipt failed: ${shortMessage(error)}`, {
        cause: error,
      });
    }
  }

  /** Polls for the receipt until `timeoutMs` (default 60 s). */
  async waitForReceipt(
    hash: Hex,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<EvmReceipt> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      options.signal?.throwIfAborted();
      const receipt = await this.getReceipt(hash);
      if (receipt) return receipt;
      if (Date.now() > deadline) {
        throw new EvmChainError(
          'RECEIPT_TIMEOUT',
          `no receipt for ${hash} after ${options.timeoutMs ?? 60_000} ms`,
        );
      }
      await new Promise((r) => setTimeout(r, this.pollingIntervalMs));
    }
  }
}

function shortMessage(error: unknown): string {
  const e = error as { shortMessage?: string; details?: string; message?: string };
  const text = [e?.shortMessage ?? e?.message ?? String(error), e?.details].filter(Boolean).join(': ');
  return text.split('\n')[0]!.slice(0, 300);
}
