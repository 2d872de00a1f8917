// The request lifecycle (docs/coordinator.md "Request states"). Every transition is explicit and
// persisted; a request never moves backwards and never leaves a terminal state.
//
//   received → signing → signed → broadcast → confirmed
//        ↘         ↘         ↘          ↘
//        rejected | failed   failed     failed (reverted / dropped)
//
// Message kinds (EIP-712, personal message) end at `signed`.

export const REQUEST_STATES = [
  'received',
  'signing',
  'signed',
  'broadcast',
  'confirmed',
  'rejected',
  'failed',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

const NEXT: Record<RequestState, readonly RequestState[]> = {
  received: ['signing', 'rejected', 'failed'],
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
