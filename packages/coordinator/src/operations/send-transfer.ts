// `cairn send`: asks the coordinator to prepare the transfer (nonce, fees, gas), checks that the
// prepared transaction does exactly what was asked (the coordinator is not trusted), signs the
// request with the initiator key, submits it and follows its states to the end.
import { randomBytes, randomUUID } from 'node:crypto';
import { erc20TransferCall, nativeTransferCall } from '@cairn/chains';
import { type SignRequestBody, signSignRequest } from '@cairn/node';
import type { RequestView } from '../client.ts';
import { rethrow } from './create-vault.ts';
import { type OperatorContext, OperatorError } from './operator-context.ts';

export interface SendOptions {
  vault: string;
  to: string;
  amount: string;
  token?: string;
  /** Wait for a terminal state (default true). */
  wait?: boolean;
  /** Seconds until the request expires (default 300). */
  ttlSeconds?: number;
  idempotencyKey?: string;
  onProgress?: (line: string) => void;
}

export async function sendTransferOperation(ctx: OperatorContext, o: SendOptions): Promise<RequestView> {
  const key = ctx.initiatorKey();
  const vault = await ctx.api.vault(o.vault).catch(rethrow);
  const prepared = await ctx.api
    .prepareTransfer(vault.vaultId, { to: o.to, amount: o.amount, token: o.token })
    .catch(rethrow);
  const tx = prepared.transaction;
  const units = BigInt(prepared.summary.baseUnits);
  let expected: { to: string; value: bigint; data: string };
  try {
    expected = o.token
      ? erc20TransferCall({ token: o.token, to: o.to, amount: units })
      : nativeTransferCall({ to: o.to, amountWei: units });
  } catch (error) {
    throw new OperatorError('INVALID_INPUT', (error as Error).message);
  }
  if (
    tx.to.toLowerCase() !== expected.to.toLowerCase() ||
    BigInt(tx.value) !== expected.value ||
    tx.data.toLowerCase() !== expected.data.toLowerCase()
  ) {
    throw new OperatorError(
      'REFUSED',
      'the coordinator prepared a transaction that does not match the transfer asked for; nothing was signed',
    );
  }
  const now = Math.floor(Date.now() / 1000);
  const body: SignRequestBody = {
    requestId: randomUUID(),
    vaultId: vault.vaultId,
    idempotencyKey: o.idempotencyKey ?? randomUUID(),
    kind: 'evm.transaction',
    chainId: prepared.chainId,
    derivationPath: [],
    transaction: tx,
    nonce: `0x${randomBytes(16).toString('hex')}`,
    createdAt: now,
    expiresAt: now + (o.ttlSeconds ?? 300),
  };
  const signed = signSignRequest(body, key);
  o.onProgress?.(
    `request ${body.requestId}: ${o.amount} ${o.token ? `of token ${o.token}` : 'native'} from ${prepared.from} to ${o.to} (nonce ${tx.nonce})`,
  );
  const submitted = await ctx.api.submit(signed).catch(rethrow);
  if (o.wait === false) return submitted.body;
  let printed = 0;
  return ctx.api
    .waitForRequest(body.requestId, {
      onUpdate: (r) => {
        for (const e of r.events.slice(printed)) {
          o.onProgress?.(`  ${e.state}${e.detail ? `  ${e.detail}` : ''}`);
          if (e.state === 'pending_approval')
            o.onProgress?.(
              `  waiting for approvals: cairn approve ${body.requestId} --key APPROVER_KEY_FILE`,
            );
        }
        printed = r.events.length;
      },
    })
    .catch(rethrow);
}
