// The request lifecycle (docs/coordinator.md "Request states"). Every transition is explicit and
// persisted; a request never moves backwards and never leaves a terminal state.
//
//   received → simulated → pending_approval → approved → signing → signed → broadcast → confirmed
//        ↘          ↘  ↘_________________________↗  ↘         ↘         ↘          ↘
//        rejected | failed (blocked, approver rejected, approvals expired, node refusal, …)
//
// With intent and policy configured (docs/coordinator-wiring.md) every request goes through
// `simulated` (intent analysed) and is then decided: blocked (`rejected`), sent for approvals
// (`pending_approval`), or `approved` (allowed outright, or once the approval quorum is reached).
// Without them a request goes from `received` straight to `signing` (the nodes still decide).
//
// Message kinds (EIP-712, personal message) end at `signed`.

export const REQUEST_STATES = [
  'received',
  'simulated',
  'pending_approval',
  'approved',
  'signing',
  'signed',
  'broadcast',
  'confirmed',
  'rejected',
  'failed',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

const NEXT: Record<RequestState, readonly RequestState[]> = {
  received: ['simulated', 'signing', 'rejected', 'failed'],
  simulated: ['pending_approval', 'approved', 'rejected', 'failed'],
  pending_approval: ['approved', 'rejected', 'failed'],
  approved: ['signing', 'rejected', 'failed'],
  // signing → signing: a new attempt with another signer set after a node went away.
  signing: ['signing', 'signed', 'rejected', 'failed'],
  signed: ['broadcast', 'failed'],
  broadcast: ['confirmed', 'failed'],
  confirmed: [],
  rejected: [],
  failed: [],
};

export function canTransition(from: RequestState, to: RequestState): boolean {
  return NEXT[from].includes(to);
}

/** True when the request will not change any more. */
export function isTerminal(state: RequestState, kind: string): boolean {
  if (state === 'signed') return kind !== 'evm.transaction';
  return NEXT[state].length === 0;
}
