// Allowances granted or revoked. From a simulation, the events are the truth: ERC-20/721
// Approval, ApprovalForAll, Permit2 Approval/Permit/Lockdown; the emitting frame's selector tells
// approve from increaseAllowance or permit. Approval events that merely record an allowance being
// spent (OpenZeppelin's transferFrom) or an NFT approval cleared by a transfer are not approvals.
// Without a simulation (RPC down) the decoded calldata is the best statement of intent, so the
// report still says what would be approved.
import { argsByName } from '../decode/decode-call.ts';
import { PERMIT2_ADDRESS } from '../decode/standard-abis.ts';
import type { RawSimulation } from '../engine/engine.ts';
import type { Address, Approval, ApprovalKind, DecodedCall } from '../types.ts';
import { dataWord, TOPIC, topicAddress } from './events.ts';

const MAX_UINT160 = (1n << 160n) - 1n;
const UNLIMITED_ERC20 = 1n << 255n;
const ZERO: Address = '0x0000000000000000000000000000000000000000';

const SELECTOR_KIND: Record<string, ApprovalKind> = {
  '0x095ea7b3': 'approve',
  '0x39509351': 'increaseAllowance',
  '0xa457c2d7': 'approve', // decreaseAllowance: reported as the resulting allowance
  '0xd505accf': 'permit',
  '0x8fcbaf0c': 'permit', // DAI-style permit(holder,spender,nonce,expiry,allowed,v,r,s)
};
/** Transfers that consume an allowance or clear an NFT approval (their Approval events are bookkeeping). */
const SPENDING_SELECTORS = new Set(['0x23b872dd', '0x42842e0e', '0xb88d4fde', '0xf242432a', '0x2eb2c2d6']);

export function extractApprovals(sim: Pick<RawSimulation, 'trace' | 'logs'>): Approval[] {
  const frames = new Map(sim.trace.map((f) => [f.path, f]));
  const out: Approval[] = [];
  for (const log of sim.logs) {
    const [t0, t1, t2, t3] = log.topics;
    const selector = frames.get(log.framePath)?.input.slice(0, 10) ?? '';
    if (t0 === TOPIC.Approval && t1 && t2) {
      if (SPENDING_SELECTORS.has(selector)) continue;
      const owner = topicAddress(t1);
      const spender = topicAddress(t2);
      if (log.topics.length === 4 && t3) {
        out.push({
          kind: 'approve',
          token: log.address,
          asset: { kind: 'erc721', address: log.address, tokenId: BigInt(t3).toString() },
          owner,
          spender,
          tokenId: BigInt(t3).toString(),
          unlimited: false,
          revoked: spender === ZERO,
          source: 'transaction',
        });
      } else if (log.topics.length === 3) {
        const amount = dataWord(log.data, 0);
        out.push({
          kind: SELECTOR_KIND[selector] ?? 'approve',
          token: log.address,
          asset: { kind: 'erc20', address: log.address },
          owner,
          spender,
          amount: amount.toString(),
          unlimited: amount >= UNLIMITED_ERC20,
          revoked: amount === 0n || spender === ZERO,
          source: 'transaction',
        });
      }
    } else if (t0 === TOPIC.ApprovalForAll && t1 && t2) {
      const approved = dataWord(log.data, 0) !== 0n;
      out.push({
        kind: 'setApprovalForAll',
        token: log.address,
        owner: topicAddress(t1),
        spender: topicAddress(t2),
        all: approved,
        unlimited: approved,
        revoked: !approved,
        source: 'transaction',
      });
    } else if ((t0 === TOPIC.Permit2Approval || t0 === TOPIC.Permit2Permit) && t1 && t2 && t3) {
      const amount = dataWord(log.data, 0);
      const expiration = dataWord(log.data, 1);
      out.push({
        kind: t0 === TOPIC.Permit2Permit ? 'permit2-permit' : 'permit2-approve',
        token: topicAddress(t2),
        asset: { kind: 'erc20', address: topicAddress(t2) },
        owner: topicAddress(t1),
        spender: topicAddress(t3),
        amount: amount.toString(),
        unlimited: amount >= MAX_UINT160,
        revoked: amount === 0n,
        expiration: expiration.toString(),
        source: 'transaction',
      });
    } else if (t0 === TOPIC.Permit2Lockdown && t1) {
      out.push({
        kind: 'permit2-approve',
        token: topicAddress(`0x${log.data.slice(2, 66)}`),
        owner: topicAddress(t1),
        spender: topicAddress(`0x${log.data.slice(66, 130)}`),
        amount: '0',
        unlimited: false,
        revoked: true,
        source: 'transaction',
      });
    }
  }
  return out;
}

/**
 * Approvals stated by the calldata (used when there is no simulation): approve /
 * increaseAllowance / setApprovalForAll / Permit2 approve anywhere in the decoded tree, with the
 * owner being whoever executes that inner call (the vault, or the Safe that runs the batch).
 */
export function approvalsFromCalldata(decoded: DecodedCall, from: Address): Approval[] {
  const out: Approval[] = [];
  const visit = (call: DecodedCall, sender: Address) => {
    const args = argsByName(call);
    const token = call.to;
    if (token && call.source !== 'none') {
      const sig = call.signature ?? '';
      if (sig === 'approve(address,uint256)' || sig === 'increaseAllowance(address,uint256)') {
        const amount = BigInt(String(Object.values(args)[1] ?? '0'));
        const spender = String(Object.values(args)[0]) as Address;
        out.push({
          kind: sig.startsWith('approve') ? 'approve' : 'increaseAllowance',
          token,
          owner: sender,
          spender,
          amount: amount.toString(),
          unlimited: amount >= UNLIMITED_ERC20,
          revoked: amount === 0n,
          source: 'transaction',
        });
      } else if (sig === 'setApprovalForAll(address,bool)') {
        const approved = Object.values(args)[1] === true;
        out.push({
          kind: 'setApprovalForAll',
          token,
          owner: sender,
          spender: String(Object.values(args)[0]) as Address,
          all: approved,
          unlimited: approved,
          revoked: !approved,
          source: 'transaction',
        });
      } else if (sig === 'approve(address,address,uint160,uint48)' && token === PERMIT2_ADDRESS) {
        const [t, spender, amount, expiration] = Object.values(args).map(String);
        out.push({
          kind: 'permit2-approve',
          token: t as Address,
          owner: sender,
          spender: spender as Address,
          amount: amount!,
          unlimited: BigInt(amount!) >= MAX_UINT160,
          revoked: BigInt(amount!) === 0n,
          expiration: expiration!,
          source: 'transaction',
        });
      }
    }
    for (const inner of call.inner ?? []) {
      // Who executes the inner call: a Safe / Multicall3 runs it as itself; a delegatecalled
      // MultiSend and a router's self-multicall keep the outer executor.
      const fn = call.functionName ?? '';
      let innerSender: Address = token ?? sender;
      if (fn === 'multicall' || (fn === 'multiSend' && call.operation === 'delegatecall'))
        innerSender = sender;
      if (fn === 'multiSend' && call.operation !== 'delegatecall') innerSender = token ?? sender;
      visit(inner, innerSender);
    }
  };
  visit(decoded, from);
  return out;
}
