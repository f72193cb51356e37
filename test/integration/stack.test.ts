// The end-to-end harness itself: a sandbox scenario's RX_RECEIVED travels sandbox → bridge → Temporal as separate
// processes, and the sandbox records the bridge's 200.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prescriptionStatusQuery } from '../../workflows/honeybee/messages.js';
import { startStack, type EngineStack } from '../harness/stack.js';

describe('engine stack harness', () => {
  let stack: EngineStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('delivers a sandbox RX_RECEIVED through the bridge to its prescription workflow', async () => {
    const scenario = await stack.control.runScenario('happy-path');
    const prescriptionId = scenario.prescriptionIds?.[0];
    expect(prescriptionId).toBeDefined();
    const [delivery] = await stack.control.waitForWebhooks({ eventType: 'RX_RECEIVED' }, (deliveries) =>
      deliveries.some((d) => d.state === 'delivered'),
    );
    expect(delivery?.attempts.at(-1)?.status).toBe(200);
    const status = await stack.client.workflow
      .getHandle(`honeybee-rx-${prescriptionId}`)
      .query(prescriptionStatusQuery);
    expect(status).toMatchObject({ prescriptionId: String(prescriptionId), lastEventType: 'RX_RECEIVED' });
  });
});
