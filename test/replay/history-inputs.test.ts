// Every signal and update input in the committed histories satisfies its message's schema today. Replaying proves the
// commands match; this proves no recorded input is now refused (a refusal that happened to produce the same commands
// would still change what a running workflow does next).
import { describe, expect, it } from 'vitest';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers.js';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import { createDataConverter } from '../../src/temporal/data-converter.js';
import { parseMessageInput } from '../../workflows/shared/handlers.js';
import { committedHistories } from '../harness/histories.js';
import { testPayloadKeyConfig } from '../harness/payload-keys.js';
import { INPUT_MESSAGES } from '../harness/workflow-messages.js';

const BY_NAME = new Map(INPUT_MESSAGES.map((message) => [message.name, message]));

/** Inputs recorded as refused on purpose (a test of the refusal itself): `history:message:index`. */
const REFUSED_ON_PURPOSE = new Set([
  'lab-create-failed-resubmitted-vendor-canceled:resolveLabException:0',
  'lab-create-failed-resubmitted-vendor-canceled-outbox-at-once:resolveLabException:0',
  // test/integration/partner-notification-batches.test.ts sends garbage to the target's handlers.
  ...['', '-unbounded'].flatMap((suffix) => [
    ...[9, 10, 11, 12].map((index) => `notification-target-disabled-batched-resent${suffix}:parkNotification:${index}`),
    ...[2, 3, 4, 5].map((index) => `notification-target-disabled-batched-resent${suffix}:deliveryReport:${index}`),
  ]),
]);

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
    expect(refusedOnPurpose.sort()).toEqual([...REFUSED_ON_PURPOSE].sort());
  });
});
