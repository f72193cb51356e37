// Every message module of the engine's workflows, for tests that go over all messages (schemas, recorded inputs).
import * as deadLetter from '../../workflows/dead-letter/messages.js';
import * as honeybee from '../../workflows/honeybee/messages.js';
import * as honeybeePatients from '../../workflows/honeybee/patient-registry-messages.js';
import * as lab from '../../workflows/lab/messages.js';
import * as feed from '../../workflows/notifications/feed-messages.js';
import * as notifications from '../../workflows/notifications/messages.js';
import * as idempotency from '../../workflows/partner-api/messages.js';
import * as patientIndex from '../../workflows/partner-api/patient-index-messages.js';
import * as operator from '../../workflows/shared/operator-messages.js';
import type { SignalMessage, UpdateMessage } from '../../workflows/shared/messages.js';

export type InputMessage = SignalMessage | UpdateMessage;

function isInputMessage(value: unknown): value is InputMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    'input' in value &&
    'type' in value &&
    (value.type === 'signal' || value.type === 'update')
  );
}

/** Every signal and update the workflows define, each once. */
export const INPUT_MESSAGES: InputMessage[] = [
  ...new Set(
    [operator, honeybee, honeybeePatients, lab, deadLetter, notifications, feed, idempotency, patientIndex].flatMap(
      (module) => Object.values(module as Record<string, unknown>).filter(isInputMessage),
    ),
  ),
];
