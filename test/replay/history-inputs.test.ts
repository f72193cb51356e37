// Every signal and update input in the committed histories satisfies its message's schema today. Replaying proves the
// commands match; this proves no recorded input is now refused (a refusal that happened to produce the same commands
// would still change what a running workflow does next).
import { describe, expect, it } from 'vitest';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers.js';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import * as messages from '../../workflows/definitions.js';
import { parseMessageInput } from '../../workflows/shared/handlers.js';
import type { SignalMessage, UpdateMessage } from '../../workflows/shared/messages.js';
import { committedHistories } from '../harness/histories.js';
import { testPayloadKeyConfig } from '../harness/payload-keys.js';

function isInputMessage(value: unknown): value is SignalMessage | UpdateMessage {
  return typeof value === 'object' && value !== null && 'input' in value && 'name' in value;
}

const BY_NAME = new Map(
  Object.values(messages as Record<string, unknown>)
    .filter(isInputMessage)
    .map((message) => [message.name, message]),
);

/** Inputs recorded as refused on purpose (a test of the refusal itself): `history:message:index`. */
const REFUSED_ON_PURPOSE = new Set(['lab-create-failed-resubmitted-vendor-canceled:resolveLabException:0']);

describe('committed history inputs', () => {
  it('each satisfies its message schema', async () => {
    const converter = loadDataConverter(createDataConverter(testPayloadKeyConfig));
    const refused: string[] = [];
    const refusedOnPurpose: string[] = [];
    let checked = 0;
    for (const { name, history } of committedHistories()) {
      const seen = new Map<string, number>();
      for (const event of history.events ?? []) {
        const signal = event.workflowExecutionSignaledEventAttributes;
        const update = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
        const message = signal?.signalName ?? update?.name;
        const payloads = signal ? signal.input?.payloads : update?.args?.payloads;
        if (!message) continue;
        const definition = BY_NAME.get(message);
        expect(definition, `${name}: ${message} has no message definition`).toBeDefined();
        if (!definition) continue;
        const index = seen.get(message) ?? 0;
        seen.set(message, index + 1);
        const input: unknown = payloads?.length ? await decodeFromPayloadsAtIndex(converter, 0, payloads) : undefined;
        const parsed = parseMessageInput(message, definition.input, input);
        checked += 1;
        const key = `${name}:${message}:${index}`;
        if (!parsed.ok && REFUSED_ON_PURPOSE.has(key)) refusedOnPurpose.push(key);
        else if (!parsed.ok) refused.push(`${key}: ${parsed.rejection.problem}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(refused).toEqual([]);
    expect(refusedOnPurpose).toEqual([...REFUSED_ON_PURPOSE]);
  });
});
