// The engine on the production-shaped cluster, over mTLS: the frontend refuses clients without a certificate, the
// server accepts the shared dynamic config, and the engine's processes (sandbox, bridge, worker) and the `fulfill`
// CLI, configured only through the `temporal` CLI's variables, run a happy path, an On Hold order an operator resolves
// with the CLI, a refill, and a lab order from the partner API, with holds listed through SQL visibility.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import type { Hold } from '../../src/cli/operators/holds.js';
import { SERVER_TLS_NAME } from '../../src/cluster/roles.js';
import { DYNAMIC_CONFIG_FILE } from '../../src/cluster/server-settings.js';
import { labOrderWorkflowId, prescriptionWorkflowId } from '../../src/domain/workflow-ids.js';
import { requestRefillSignal } from '../../workflows/honeybee/messages.js';
import { jsonOf, runFulfill } from '../harness/fulfill-cli.js';
import {
  firstPrescriptionId,
  orderOf,
  ordersPerFill,
  pollUntil,
  waitForClose,
  waitForOrder,
  waitForPrescription,
} from '../harness/honeybee.js';
import { TEST_PAYLOAD_KEYS } from '../harness/payload-keys.js';
import { startClusterStack, type ClusterStack } from './cluster.js';

const PARTNER_KEY = 'cluster-partner-key';

describe('the engine on the cluster, over mTLS', () => {
  let run: ClusterStack;
  let cliEnv: Record<string, string>;
  const fulfill = (...args: string[]) => runFulfill(args, cliEnv);

  beforeAll(async () => {
    run = await startClusterStack('engine', {
      engine: { HONEYBEE_WORKFLOW_MODE: 'partner_requested', PARTNER_API_KEYS: PARTNER_KEY },
      sandbox: { SANDBOX_STEP_DELAY: '1s' },
    });
    cliEnv = { ...run.clientEnv, PAYLOAD_KEYS: TEST_PAYLOAD_KEYS };
  });
  afterAll(async () => {
    await run?.stack.stop();
  });

  it('the frontend refuses a connection without TLS, and a TLS connection without a client certificate', async () => {
    const address = run.cluster.address;
    const ca = readFileSync(run.clientEnv.TEMPORAL_TLS_SERVER_CA_CERT_PATH!);
    const attempt = async (tls: Parameters<typeof Connection.connect>[0]) => {
      const connection = await Connection.connect({ address, connectTimeout: 5_000, ...tls });
      try {
        await connection.workflowService.getSystemInfo({});
        return 'answered';
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      } finally {
        await connection.close();
      }
    };
    const refusals = await Promise.all([
      attempt({}).catch((error: unknown) => String(error)),
      attempt({ tls: { serverRootCACertificate: ca, serverNameOverride: SERVER_TLS_NAME } }).catch((error: unknown) =>
        String(error),
      ),
    ]);
    expect(refusals).not.toContain('answered');
    // The same call with the client certificate answers (the engine's own connection settings).
    const info = await run.stack.client.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBe(run.cluster.state.version);
  });

  it('every key of the shared dynamic config is one the server knows', () => {
    const result = spawnSync(run.cluster.binaries.server, ['validate-dynamic-config', DYNAMIC_CONFIG_FILE], {
      encoding: 'utf8',
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/warning|error/);
  });

  describe.concurrent('flows', () => {
    it('a prescription runs to Delivered with exactly one order', async () => {
      const { stack } = run;
      const rx = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));
      expect(await waitForClose(stack.client, prescriptionWorkflowId(rx), 120_000)).toBe('COMPLETED');
      expect(await waitForPrescription(stack.client, rx, () => true)).toMatchObject({
        stage: 'COMPLETED',
        fillsDelivered: 1,
      });
      expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1 });
    });

    it('an On Hold order is listed by `fulfill holds` and resolved by an operator with `fulfill resolve`', async () => {
      const { stack } = run;
      const rx = firstPrescriptionId(await stack.control.runScenario('exception-74', { refills: 0 }));
      const orderNumber = await orderOf(stack.client, rx, 120_000);
      await waitForOrder(stack.client, orderNumber, (s) => s.status === 'On Hold' && !!s.exception, 120_000);
      const hold = await pollUntil(
        'the hold listed through SQL visibility',
        async () => jsonOf<{ holds: Hold[] }>(await fulfill('holds', '--json')).holds,
        (list) => list.some((h) => h.orderNumber === orderNumber),
        60_000,
      ).then((list) => list.find((h) => h.orderNumber === orderNumber)!);
      expect(hold).toMatchObject({ prescriptionId: rx, reason: '74 Allergy Detected', stage: 'ORDER_ON_HOLD' });

      const resolved = await fulfill(
        'resolve',
        orderNumber,
        '--action',
        'override_allergy',
        '--field',
        'prescriber_note=benefit outweighs risk',
        '--operator',
        'cluster-op',
        '--reason',
        'prescriber confirmed by phone',
      );
      expect(resolved.code, resolved.stderr).toBe(0);
      const delivered = await waitForOrder(stack.client, orderNumber, (s) => s.status === 'Delivered', 120_000);
      expect(delivered.decisions.at(-1)).toMatchObject({ operator: 'cluster-op', action: 'override_allergy' });
      expect(await waitForClose(stack.client, prescriptionWorkflowId(rx), 120_000)).toBe('COMPLETED');
    });

    it('a refill: the partner asks for the second fill, which is delivered with its own single order', async () => {
      const { stack } = run;
      const rx = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 1 }));
      await waitForPrescription(stack.client, rx, (s) => s.stage === 'AWAITING_REFILL', 120_000);
      await stack.client.workflow
        .getHandle(prescriptionWorkflowId(rx))
        .signal(requestRefillSignal, { requestedBy: 'partner-backend' });
      expect(await waitForClose(stack.client, prescriptionWorkflowId(rx), 120_000)).toBe('COMPLETED');
      const final = await waitForPrescription(stack.client, rx, () => true);
      expect(final).toMatchObject({ stage: 'COMPLETED', fillsDelivered: 2 });
      expect(await ordersPerFill(stack.control, rx)).toEqual({ '1': 1, '2': 1 });
    });

    it('a lab order placed through the partner API runs to its results', async () => {
      const { stack } = run;
      const scenario = await stack.control.runScenario('kit-happy-path');
      const info = scenario.patientInformation;
      if (!info) throw new Error('kit scenarios return the patient information');
      const response = await fetch(`${stack.bridgeUrl}/api/lab-orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${PARTNER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ patientIdentifier: scenario.patient.patientIdentifier, patientInformation: info }),
      });
      expect(response.status).toBe(201);
      const started = (await response.json()) as { orderIdentifier: string; workflowId: string };
      expect(started.workflowId).toBe(labOrderWorkflowId(started.orderIdentifier));
      expect(await waitForClose(stack.client, started.workflowId, 180_000)).toBe('COMPLETED');
      const described = await stack.client.workflow.getHandle(started.workflowId).describe();
      expect(described.searchAttributes.LabOrderId).toEqual([started.orderIdentifier]);
      expect(described.searchAttributes.FulfillmentStage).toEqual(['RESULTS_RELEASED']);
    });
  });
});
