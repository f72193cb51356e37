// The decision log every workflow keeps: each operator or partner input and what became of it (accepted with what it
// did, or rejected with why), bounded, with the last rejection kept apart for the current details ("Last input
// rejected"). An input its schema refused is logged here too, with the problem (field names, never values).
import type { RejectedInput } from './handlers.js';

export const MAX_DECISIONS = 50;

/** An operator's input and what became of it; the audit trail of every resolution and rejection. */
export interface OperatorDecision {
  at: string;
  via: 'signal' | 'update' | 'cancel' | 'match' | 'approve' | 'refill';
  operator: string;
  reason: string;
  action: string;
  outcome: 'accepted' | 'rejected';
  /** Why it was rejected, or what accepting it did. */
  detail: string;
  /** The vendor's X-Request-Id of the call that carried it out. */
  requestId?: string;
}

export interface DecisionLog {
  decisions: OperatorDecision[];
  lastRejection?: OperatorDecision;
}

/**
 * Appends a decision to the bounded log. When it is full, the oldest rejection makes room first: anyone who may signal
 * can send a burst of refused inputs, and it must not push who did what out of the status (the history keeps all).
 */
export function recordDecision(log: DecisionLog, decision: OperatorDecision): void {
  log.decisions.push(decision);
  if (log.decisions.length > MAX_DECISIONS) {
    const oldestRejection = log.decisions.findIndex((entry) => entry.outcome === 'rejected');
    log.decisions.splice(Math.max(oldestRejection, 0), 1);
  }
  if (decision.outcome === 'rejected') log.lastRejection = decision;
}

/** Logs an input its message's schema refused; `action` names what it would have done when the input does not say. */
export function recordRejectedInput(
  log: DecisionLog,
  rejection: RejectedInput,
  options: { via: OperatorDecision['via']; action?: string; at: string },
): void {
  recordDecision(log, {
    at: options.at,
    via: options.via,
    operator: rejection.operator ?? '(missing)',
    reason: rejection.reason ?? '(missing)',
    action: rejection.action ?? options.action ?? rejection.message,
    outcome: 'rejected',
    detail: `${rejection.message}: ${rejection.problem}`,
  });
}
