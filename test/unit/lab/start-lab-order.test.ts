// startLabOrder and the partner patient index: an order is linked to the request's patient only once it is that
// request's order (started now, or found by a retry of the same request), never by a requestKey reused with another
// request. The Temporal client is a fake that keeps started workflows and their memo; the whole path against a real
// server is in test/integration/partner-api-actions.test.ts.
import { describe, expect, it } from 'vitest';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { LinkPatientInput } from '../../../workflows/partner-api/patient-index-messages.js';
import { LabOrderConflictError, startLabOrder } from '../../../src/lab/start-lab-order.js';
import { labOrderRequest, labSettings } from '../../harness/lab-orders.js';

interface StartOptions {
  workflowId: string;
  memo?: Record<string, unknown>;
}

function fakeTemporal() {
  const workflows = new Map<string, StartOptions>();
  const links: LinkPatientInput[] = [];
  const client = {
    workflow: {
      start: async (type: string, options: StartOptions) => {
        if (workflows.has(options.workflowId)) {
          throw new WorkflowExecutionAlreadyStartedError('already started', options.workflowId, type);
        }
        workflows.set(options.workflowId, options);
      },
      getHandle: (workflowId: string) => ({
        describe: async () => ({ type: 'labOrderWorkflow', memo: workflows.get(workflowId)?.memo }),
      }),
      signalWithStart: async (_workflow: unknown, options: { signalArgs: [LinkPatientInput] }) => {
        links.push(options.signalArgs[0]);
      },
    },
  } as unknown as Client;
  return { client, workflows, links };
}

describe('startLabOrder', () => {
  it('links the order to its patient, never to the patient of another request with the same requestKey', async () => {
    const temporal = fakeTemporal();
    const start = (patient: string) =>
      startLabOrder(temporal.client, 'q', labOrderRequest(patient, { requestKey: 'key-1' }), labSettings());

    const first = await start('PATIENT-A');
    expect(first.started).toBe(true);
    await expect(start('PATIENT-B')).rejects.toThrow(LabOrderConflictError);
    // A retry of the first request finds its order and links it again (the index keeps one link).
    expect(await start('PATIENT-A')).toEqual({ ...first, started: false });

    expect(temporal.workflows.size).toBe(1);
    expect(temporal.links.map((link) => link.partnerPatientId)).toEqual(['PATIENT-A', 'PATIENT-A']);
    expect(temporal.links[0]).toEqual({ partnerPatientId: 'PATIENT-A', kind: 'labOrder', id: first.orderIdentifier });
  });

  it('without a requestKey, links before placing: a link that fails places nothing (its retry would be a new order)', async () => {
    const temporal = fakeTemporal();
    const failing = {
      workflow: {
        ...(temporal.client.workflow as object),
        signalWithStart: async () => {
          throw new Error('Temporal unavailable');
        },
      },
    } as unknown as Client;
    await expect(startLabOrder(failing, 'q', labOrderRequest('PATIENT-A'), labSettings())).rejects.toThrow(
      'Temporal unavailable',
    );
    expect(temporal.workflows.size).toBe(0);

    const placed = await startLabOrder(temporal.client, 'q', labOrderRequest('PATIENT-A'), labSettings());
    expect(placed.started).toBe(true);
    expect(temporal.links).toEqual([{ partnerPatientId: 'PATIENT-A', kind: 'labOrder', id: placed.orderIdentifier }]);
  });
});
