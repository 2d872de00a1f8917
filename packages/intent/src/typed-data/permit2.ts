// Uniswap Permit2 (https://github.com/Uniswap/permit2): AllowanceTransfer (PermitSingle,
// PermitBatch: an allowance with an expiration) and SignatureTransfer (PermitTransferFrom,
// PermitBatchTransferFrom and their Witness variants: a one-time right to pull tokens). Once a
// token is approved to Permit2, one off-chain signature hands it to the spender: the favourite
// phishing payload, because nothing shows up in the wallet's transaction history.
import type { Address, Approval, ApprovalKind, TypedDataAnalysis } from '../types.ts';
import { domainOf, isoDate, short, type StandardAnalyzer, UNLIMITED_PERMIT2 } from './analysis.ts';
import { field, toAddress, toBigInt } from './eip712.ts';

/** Canonical Permit2 deployment (same address on every chain). */
export const PERMIT2_ADDRESS: Address = '0x000000000022d473030f116ddee9f6b43ac78ba3';

interface Grant {
  token: Address;
  amount: bigint;
  expiration?: bigint;
}

function grant(details: unknown, where: string, amountField: 'amount'): Grant {
  const expiration = field(details, 'expiration');
  return {
    token: toAddress(field(details, 'token'), `${where}.token`),
    amount: toBigInt(field(details, amountField), `${where}.${amountField}`),
    ...(expiration !== undefined ? { expiration: toBigInt(expiration, `${where}.expiration`) } : {}),
  };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

export const analyzePermit2: StandardAnalyzer = (parsed, request) => {
  const { typedData } = parsed;
  const m = typedData.message;
  const type = typedData.primaryType;
  let kind: TypedDataAnalysis['kind'];
  let approvalKind: ApprovalKind;
  let grants: Grant[];
  let deadline: bigint;
  if (type === 'PermitSingle' || type === 'PermitBatch') {
    const batch = type === 'PermitBatch';
    kind = batch ? 'permit2-batch' : 'permit2-single';
    approvalKind = batch ? 'permit2-permit-batch' : 'permit2-permit';
    grants = asArray(field(m, 'details')).map((d, i) => grant(d, `message.details[${i}]`, 'amount'));
    deadline = toBigInt(field(m, 'sigDeadline'), 'message.sigDeadline');
  } else if (/^Permit(Batch)?(Witness)?TransferFrom$/.test(type)) {
    const batch = type.startsWith('PermitBatch');
    kind = batch ? 'permit2-transfer-batch' : 'permit2-transfer';
    approvalKind = batch ? 'permit2-transfer-batch' : 'permit2-transfer';
    grants = asArray(field(m, 'permitted')).map((d, i) => grant(d, `message.permitted[${i}]`, 'amount'));
    deadline = toBigInt(field(m, 'deadline'), 'message.deadline');
  } else {
    return undefined;
  }
  if (field(m, 'spender') === undefined) return undefined;
  const spender = toAddress(field(m, 'spender'), 'message.spender');
  const owner = request.signer.toLowerCase() as Address;
  const approvals: Approval[] = grants.map((g) => ({
    kind: approvalKind,
    token: g.token,
    owner,
    spender,
    amount: g.amount.toString(),
    unlimited: g.amount >= UNLIMITED_PERMIT2,
    revoked: g.amount === 0n,
    deadline: deadline.toString(),
    ...(g.expiration !== undefined ? { expiration: g.expiration.toString() } : {}),
    source: 'typed-data',
  }));
  const what = grants
    .map((g) => `${g.amount >= UNLIMITED_PERMIT2 ? 'unlimited' : g.amount.toString()} of ${short(g.token)}`)
    .join(', ');
  const nonce = field(m, 'nonce') ?? field(asArray(field(m, 'details'))[0], 'nonce');
  const verifying = parsed.verifyingContract;
  return {
    kind,
    description:
      kind === 'permit2-single' || kind === 'permit2-batch'
        ? `Permit2 allowance: ${short(spender)} may spend ${what} from ${short(owner)}` +
          `${grants[0]?.expiration !== undefined ? ` until ${isoDate(grants[0].expiration)}` : ''}.`
        : `Permit2 transfer: ${short(spender)} may take ${what} from ${short(owner)} once (until ${isoDate(deadline)}).`,
    domain: domainOf(parsed),
    approvals,
    assetChanges: [],
    counterparties: [
      { address: spender, role: 'spender' },
      ...(verifying ? [{ address: verifying, role: 'verifying-contract' as const }] : []),
    ],
    fields: {
      hash: parsed.hash,
      deadline: deadline.toString(),
      ...(nonce !== undefined ? { nonce: toBigInt(nonce, 'nonce').toString() } : {}),
      canonicalPermit2: String(verifying === PERMIT2_ADDRESS),
      ...(type.includes('Witness') ? { witness: 'true' } : {}),
    },
  };
};
