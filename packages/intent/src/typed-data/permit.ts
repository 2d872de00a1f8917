// EIP-2612 permit (https://eips.ethereum.org/EIPS/eip-2612) and DAI's older permit: a signature
// that sets an ERC-20 allowance, submitted on chain by anyone: an approval without a transaction.
import type { Approval, TypedDataAnalysis } from '../types.ts';
import { domainOf, isoDate, short, type StandardAnalyzer, UNLIMITED_ERC20 } from './analysis.ts';
import { field, toAddress, toBigInt } from './eip712.ts';

function hasFields(fields: readonly { name: string }[] | undefined, names: string[]): boolean {
  return !!fields && names.every((n) => fields.some((f) => f.name === n));
}

export const analyzePermit: StandardAnalyzer = (parsed, request) => {
  const { typedData } = parsed;
  if (typedData.primaryType !== 'Permit' || !parsed.verifyingContract) return undefined;
  const types = typedData.types.Permit;
  const m = typedData.message;
  const token = parsed.verifyingContract;
  let approval: Approval;
  let kind: TypedDataAnalysis['kind'];
  let fields: Record<string, string>;
  if (hasFields(types, ['owner', 'spender', 'value', 'nonce', 'deadline'])) {
    // EIP-2612 §Specification: Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)
    const value = toBigInt(field(m, 'value'), 'message.value');
    const deadline = toBigInt(field(m, 'deadline'), 'message.deadline');
    kind = 'eip2612-permit';
    approval = {
      kind: 'permit',
      token,
      owner: toAddress(field(m, 'owner'), 'message.owner'),
      spender: toAddress(field(m, 'spender'), 'message.spender'),
      amount: value.toString(),
      unlimited: value >= UNLIMITED_ERC20,
      revoked: value === 0n,
      deadline: deadline.toString(),
      source: 'typed-data',
    };
    fields = {
      nonce: toBigInt(field(m, 'nonce'), 'message.nonce').toString(),
      deadline: deadline.toString(),
    };
  } else if (hasFields(types, ['holder', 'spender', 'nonce', 'expiry', 'allowed'])) {
    // DAI: Permit(address holder,address spender,uint256 nonce,uint256 expiry,bool allowed): all or nothing.
    const allowed = field(m, 'allowed') === true;
    const expiry = toBigInt(field(m, 'expiry'), 'message.expiry');
    kind = 'dai-permit';
    approval = {
      kind: 'permit',
      token,
      owner: toAddress(field(m, 'holder'), 'message.holder'),
      spender: toAddress(field(m, 'spender'), 'message.spender'),
      amount: allowed ? (2n ** 256n - 1n).toString() : '0',
      unlimited: allowed,
      revoked: !allowed,
      deadline: expiry.toString(),
      source: 'typed-data',
    };
    fields = { nonce: toBigInt(field(m, 'nonce'), 'message.nonce').toString(), expiry: expiry.toString() };
  } else {
    return undefined;
  }
  const amountText = approval.unlimited
    ? 'an unlimited amount'
    : approval.revoked
      ? 'nothing (revocation)'
      : approval.amount;
  const deadline = BigInt(approval.deadline ?? '0');
  return {
    kind,
    description:
      `Permit signature: ${short(approval.spender)} may spend ${amountText} of token ${short(token)} ` +
      `from ${short(approval.owner)} (signature valid until ${deadline === 0n ? 'forever' : isoDate(deadline)}).`,
    domain: domainOf(parsed),
    approvals: [approval],
    assetChanges: [],
    counterparties: [
      { address: approval.spender, role: 'spender' },
      { address: token, role: 'verifying-contract' },
    ],
    fields: {
      ...fields,
      hash: parsed.hash,
      signerIsOwner: String(approval.owner === request.signer.toLowerCase()),
    },
  };
};
