// The rule catalogue: every risk rule, one module each. Policy refers to findings by rule id.
// Severity guide (docs/intent.md): critical = funds or control are being taken; high = a human
// must look before signing; medium = unusual; low/info = context.
import type { Rule } from '../types.ts';
import { addressPoisoningRule } from './address-poisoning.ts';
import { blocklistedCounterpartyRule } from './blocklisted-counterparty.ts';
import { eip7702AuthorizationRule } from './eip7702-authorization.ts';
import { largeOutflowRule } from './large-outflow.ts';
import { marketplaceOrderRule } from './marketplace-order.ts';
import { ownershipTransferRule } from './ownership-transfer.ts';
import { proxyUpgradeRule } from './proxy-upgrade.ts';
import { safeConfigChangeRule } from './safe-config-change.ts';
import { setApprovalForAllRule } from './set-approval-for-all.ts';
import { simulationRevertedRule } from './simulation-reverted.ts';
import { simulationDisagreementRule, simulationUnavailableRule } from './simulation-unavailable.ts';
import { tokenTrappingRecipientRule } from './token-trapping-recipient.ts';
import { typedDataChainMismatchRule, unrecognizedTypedDataRule } from './typed-data-review.ts';
import { unknownSelectorRule } from './unknown-selector.ts';
import { unlimitedApprovalRule } from './unlimited-approval.ts';
import { untrustedDelegatecallRule } from './untrusted-delegatecall.ts';
import { untrustedSpenderRule } from './untrusted-spender.ts';

export { bytecodeCanMoveAssets } from './bytecode-capabilities.ts';
export { createLargeOutflowRule, type LargeOutflowRuleParameters } from './large-outflow.ts';
export { SIMULATION_REVERTED } from './simulation-reverted.ts';
export type { CounterpartyCodeFacts } from './token-trapping-recipient.ts';
export { createUnknownSelectorRule, type UnknownSelectorRuleParameters } from './unknown-selector.ts';

/** Every rule, in a fixed order (findings are reported in this order). */
export const RULES: readonly Rule[] = [
  simulationRevertedRule,
  simulationUnavailableRule,
  simulationDisagreementRule,
  blocklistedCounterpartyRule,
  untrustedDelegatecallRule,
  proxyUpgradeRule,
  safeConfigChangeRule,
  ownershipTransferRule,
  eip7702AuthorizationRule,
  unlimitedApprovalRule,
  setApprovalForAllRule,
  untrustedSpenderRule,
  largeOutflowRule,
  tokenTrappingRecipientRule,
  addressPoisoningRule,
  unknownSelectorRule,
  marketplaceOrderRule,
  typedDataChainMismatchRule,
  unrecognizedTypedDataRule,
];

/** Runs every rule; a rule that throws becomes a high finding (fail closed), never a crash. */
export function evaluateRules(ctx: Parameters<Rule['evaluate']>[0], rules: readonly Rule[] = RULES) {
  return rules.flatMap((rule) => {
    try {
      return rule.evaluate(ctx);
    } catch (error) {
      return [
        {
          ruleId: rule.id,
          severity: 'high' as const,
          message: `Rule ${rule.id} could not be evaluated; treat this request as unchecked.`,
          evidence: { error: error instanceof Error ? error.message : String(error) },
        },
      ];
    }
  });
}
