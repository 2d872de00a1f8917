// Ownership transfer (OpenZeppelin Ownable and look-alikes): whoever owns a contract can usually
// withdraw what it holds, so handing ownership away is as serious as sending the balance.
// Seen from the extracted state change (ownable.owner), the OwnershipTransferred event, the call
// trace (transferOwnership / renounceOwnership / setOwner selectors) or, without a simulation, the
// decoded calldata, including calls hidden inside batches.
import type { Address, Rule } from '../types.ts';
import {
  controlledAccounts,
  decodedCalls,
  finding,
  lower,
  selectorOf,
  shortAddress,
  successfulFrames,
  ZERO_ADDRESS,
} from './context-queries.ts';

/** keccak256("OwnershipTransferred(address,address)") */
export const OWNERSHIP_TRANSFERRED_TOPIC =
  '0x8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0';

const OWNERSHIP_SELECTORS: Record<string, string> = {
  '0xf2fde38b': 'transferOwnership(address)',
  '0x715018a6': 'renounceOwnership()',
  '0x13af4035': 'setOwner(address)',
  '0xa6f9dae1': 'changeOwner(address)',
};
const OWNERSHIP_FUNCTIONS = new Set(['transferOwnership', 'renounceOwnership', 'setOwner', 'changeOwner']);

function wordToAddress(word: string | undefined): Address | undefined {
  if (!word || word.length < 42) return undefined;
  return lower(`0x${word.slice(-40)}`);
}

export const ownershipTransferRule: Rule = {
  id: 'ownership-transfer',
  description:
    'Ownership of a contract changes hands (Ownable): high, low when the new owner is the vault itself.',
  evaluate(ctx) {
    const controlled = controlledAccounts(ctx);
    const changes = new Map<Address, { newOwner?: Address; via: string }>();
    const note = (contract: Address, newOwner: Address | undefined, via: string) => {
      const known = changes.get(contract);
      if (!known) changes.set(contract, { ...(newOwner ? { newOwner } : {}), via });
      else if (!known.newOwner && newOwner) known.newOwner = newOwner;
    };
    for (const s of ctx.stateChanges) {
      if (s.meaning === 'ownable.owner') note(s.address, lower(s.after), 'state change');
    }
    for (const log of ctx.simulation.logs) {
      // Constructors announce their first owner (previous owner zero): not a transfer.
      if (log.topics[0] !== OWNERSHIP_TRANSFERRED_TOPIC || wordToAddress(log.topics[1]) === ZERO_ADDRESS)
        continue;
      note(log.address, wordToAddress(log.topics[2]), 'OwnershipTransferred event');
    }
    for (const frame of successfulFrames(ctx)) {
      const sel = selectorOf(frame.input);
      if (frame.type !== 'CALL' || !sel || !OWNERSHIP_SELECTORS[sel]) continue;
      note(
        frame.to,
        sel === '0x715018a6' ? ZERO_ADDRESS : wordToAddress(frame.input.slice(10, 74)),
        `trace ${frame.path}`,
      );
    }
    if (ctx.simulation.status !== 'ok') {
      for (const call of decodedCalls(ctx)) {
        if (!call.to || !call.functionName || !OWNERSHIP_FUNCTIONS.has(call.functionName)) continue;
        const arg = call.args?.[0]?.value;
        note(lower(call.to), typeof arg === 'string' ? lower(arg) : ZERO_ADDRESS, 'decoded calldata');
      }
    }
    return [...changes].map(([contract, { newOwner, via }]) => {
      const toVault = newOwner !== undefined && controlled.has(newOwner);
      const renounce = newOwner === ZERO_ADDRESS;
      return finding(
        'ownership-transfer',
        toVault ? 'low' : 'high',
        renounce
          ? `This renounces ownership of ${shortAddress(contract)}: nobody will be able to administer it again.`
          : `This transfers ownership of ${shortAddress(contract)} to ${newOwner ? shortAddress(newOwner) : 'another account'}` +
              (toVault ? ' (the vault itself).' : ': the new owner controls the contract and what it holds.'),
        { contract, ...(newOwner ? { newOwner } : {}), via },
      );
    });
  },
};
