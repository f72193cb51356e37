// The operator commands of `fulfill` as real processes (bin/fulfill.js) against a real stack (sandbox, bridge and
// worker processes) in a namespace of its own: holds, show, resolve, match and cancel on held orders, unmatched
// patients and rejected lab kits, with their exit codes (0 done, 1 refused / not found / unreachable, 2 usage) and
// JSON output.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hold } from '../../src/cli/operators/holds.js';
import { PartnerDirectory } from '../../src/sandbox/partner/directory.js';
import { labOrderStatusQuery } from '../../workflows/lab/messages.js';
import { jsonOf, runFulfill } from '../harness/fulfill-cli.js';
import { firstPrescriptionId, orderOf, pollUntil, waitForOrder, waitForPrescription } from '../harness/honeybee.js';
import { createTestNamespace, type TestNamespace } from '../harness/namespaces.js';
import { TEST_PAYLOAD_KEYS } from '../harness/payload-keys.js';
import { freePort } from '../harness/ports.js';
import { startStack, type EngineStack } from '../harness/stack.js';
import { temporalAddress } from '../harness/temporal.js';

describe('fulfill operator commands', () => {
  let namespace: TestNamespace;
  let stack: EngineStack;
  let env: Record<string, string>;
  const fulfill = (...args: string[]) => runFulfill(args, env);

  beforeAll(async () => {
    namespace = await createTestNamespace('operator-cli');
    stack = await startStack({
      temporal: { address: temporalAddress(), namespace: namespace.namespace },
      engine: { HONEYBEE_WORKFLOW_MODE: 'partner_requested' },
      sandbox: { SANDBOX_STEP_DELAY: '1s' },
    });
    env = {
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: namespace.namespace,
      TEMPORAL_TASK_QUEUE: stack.env.TEMPORAL_TASK_QUEUE!,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    };
  });

  afterAll(async () => {
    await stack?.stop();
    await namespace?.close();
  });

  async function holds(): Promise<Hold[]> {
    const result = await fulfill('holds', '--json');
    expect(result.code, result.stderr).toBe(0);
    return jsonOf<{ holds: Hold[] }>(result).holds;
  }

  describe('bad usage exits 2 without reaching Temporal', () => {
    it.each([
      [['resolve', 'HB1', '--action', 'x', '--operator', 'o'], /required option '--reason/],
      [['resolve', 'HB1', '--action', 'x', '--operator', 'o', '--reason', 'r', '--field', 'novalue'], /name=value/],
      [['resolve', 'HB1', '--action', 'x', '--operator', ' ', '--reason', 'r'], /--operator must name who you are/],
      [['resolve', 'HB1', '--action', 'x', '--operator', 'o', '--reason', 'r', '--field', 'q:=nope'], /JSON value/],
      [['show', "x' OR '1"], /is not an id/],
      [['show'], /missing required argument/],
      [['holds', '--limit', '0'], /whole number/],
      [
        ['match', 'honeybee-order-HB1', '--partner-patient', 'P-1', '--operator', 'o', '--reason', 'r'],
        /works on a prescription/,
      ],
      [['cancel', 'HB1', '--operator', 'o'], /required option '--reason/],
      [['audit', 'HB1', '--format', 'xml'], /Allowed choices are text, json, md/],
      [['audit', 'HB1', '--codec-endpoint', 'ftp://x'], /not an http\(s\) URL/],
      [['replay', '/nonexistent/history.json'], /Cannot read \/nonexistent\/history.json/],
      [['history', 'export', 'HB1', '--run-id', 'latest'], /--run-id latest is not a run id/],
      [['history', 'export'], /missing required argument 'id'/],
      [['replay'], /missing required argument 'file'/],
      [['keys', 'generate', '--id', 'bad id!'], /key id must match/],
      [['frobnicate'], /unknown command/],
    ])('fulfill %j', async (args, message) => {
      // An unreachable Temporal would be exit 1: these fail before connecting.
      const result = await runFulfill(args, { ...env, TEMPORAL_ADDRESS: '127.0.0.1:9' });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    });

    it('no payload key configured is a configuration error naming PAYLOAD_KEYS', async () => {
      // An empty DATA_DIR: no key file of `fulfill dev` to fall back on.
      const dataDir = mkdtempSync(join(tmpdir(), 'no-keys-'));
      const result = await runFulfill(['holds'], { ...env, PAYLOAD_KEYS: undefined, DATA_DIR: dataDir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/PAYLOAD_KEYS: no payload encryption key configured/);
      // Where the key file of `fulfill dev` was looked for: a DATA_DIR other than the one `npm run dev` used shows.
      expect(result.stderr).toContain(`key file of \`fulfill dev\` at ${join(dataDir, 'payload-keys.json')}`);
    });
  });

  it('keys generate prints a PAYLOAD_KEYS entry the engine accepts', async () => {
    const result = await runFulfill(['keys', 'generate', '--id', 'key-2027-01'], {});
    expect(result.code, result.stderr).toBe(0);
    const entry = result.stdout.trim();
    expect(entry).toMatch(/^key-2027-01:[A-Za-z0-9+/]{43}=$/);
    // The new key works as the only key: the CLI configures itself with it and reaches Temporal.
    const holds = await runFulfill(['holds', '--json'], { ...env, PAYLOAD_KEYS: entry });
    expect(holds.code, holds.stderr).toBe(0);
  });

  it('without a configured key, uses the key file `fulfill dev` wrote into DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dev-keys-'));
    const [keyId, base64] = TEST_PAYLOAD_KEYS.split(':');
    writeFileSync(join(dataDir, 'payload-keys.json'), JSON.stringify({ current: keyId, keys: { [keyId!]: base64 } }));
    const result = await runFulfill(['holds', '--json'], { ...env, PAYLOAD_KEYS: undefined, DATA_DIR: dataDir });
    expect(result.code, result.stderr).toBe(0);
    expect(jsonOf<{ holds: Hold[] }>(result).holds).toBeInstanceOf(Array);
  });

  it('an unreachable Temporal exits 1 and says where it looked', async () => {
    const port = await freePort();
    const result = await runFulfill(['holds'], { ...env, TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot reach Temporal at 127.0.0.1:${port}`);
  });

  it('an id no workflow has exits 1 and says what was looked for', async () => {
    const result = await fulfill('show', 'HBNOSUCHORDER');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No workflow found for "HBNOSUCHORDER".*honeybee-order-HBNOSUCHORDER/);
  });

  describe.concurrent('flows', () => {
    it('an On Hold order: holds lists it, show explains it, resolve refuses what is not offered, then resolves it', async () => {
      const rx = firstPrescriptionId(await stack.control.runScenario('exception-74', { refills: 0 }));
      const orderNumber = await orderOf(stack.client, rx);
      await waitForOrder(stack.client, orderNumber, (s) => s.status === 'On Hold' && !!s.exception);
      const workflowId = `honeybee-order-${orderNumber}`;

      const hold = await pollUntil(
        'the hold listed',
        holds,
        (list) => list.some((h) => h.orderNumber === orderNumber),
        30_000,
      ).then((list) => list.find((h) => h.orderNumber === orderNumber)!);
      expect(hold).toMatchObject({
        workflowId,
        workflowType: 'honeybeeOrderWorkflow',
        prescriptionId: rx,
        reason: '74 Allergy Detected',
        stage: 'ORDER_ON_HOLD',
        actions: ['override_allergy', 'cancel_order'],
      });
      const table = await fulfill('holds');
      expect(table.code).toBe(0);
      expect(table.stdout.split('\n')[0]).toMatch(/^order\s+prescription\s+reason\s+age\s+actions\s+workflow$/);
      expect(table.stdout).toMatch(
        new RegExp(
          `${orderNumber}\\s+${rx}\\s+74 Allergy Detected\\s+\\S+( \\S+)?\\s+override_allergy, cancel_order\\s+${workflowId}`,
        ),
      );

      const shown = await fulfill('show', orderNumber);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain(`${workflowId} (honeybeeOrderWorkflow): RUNNING`);
      expect(shown.stdout).toContain('actions offered: override_allergy, cancel_order');
      expect(shown.stdout).toContain(
        `fulfill resolve ${orderNumber} --action override_allergy --field prescriber_note=<value>`,
      );
      expect(shown.stdout).toContain(`## Honeybee order ${orderNumber}: On Hold`);
      const shownJson = jsonOf<{ status: { status: string }; offeredActions: string[]; currentDetails: string }>(
        await fulfill('show', workflowId, '--json'),
      );
      expect(shownJson.status.status).toBe('On Hold');
      expect(shownJson.currentDetails).toContain('74 Allergy Detected');

      const notOffered = await fulfill(
        'resolve',
        orderNumber,
        '--action',
        'release_hold',
        '--operator',
        'cli-op',
        '--reason',
        'try',
      );
      expect(notOffered.code).toBe(1);
      expect(notOffered.stderr).toMatch(
        /Rejected \(honeybee-order-.*\): action "release_hold" is not offered for 74 Allergy Detected/,
      );
      const missingField = await fulfill(
        'resolve',
        orderNumber,
        '--action',
        'override_allergy',
        '--operator',
        'cli-op',
        '--reason',
        'try',
        '--json',
      );
      expect(missingField.code).toBe(1);
      expect(jsonOf(missingField)).toEqual({
        workflowId,
        accepted: false,
        action: 'override_allergy',
        message: 'action "override_allergy" needs the field prescriber_note',
      });

      // Without --operator the CLI records FULFILL_OPERATOR (else the OS user).
      const resolved = await runFulfill(
        [
          'resolve',
          orderNumber,
          '--action',
          'override_allergy',
          '--field',
          'prescriber_note=benefit outweighs risk',
          '--reason',
          'prescriber confirmed by phone',
        ],
        { ...env, FULFILL_OPERATOR: 'cli-op' },
      );
      expect(resolved.code, resolved.stderr).toBe(0);
      expect(resolved.stdout).toBe(
        `Accepted (${workflowId}): Honeybee accepted override_allergy; the order waits for its next status\n`,
      );
      const delivered = await waitForOrder(stack.client, orderNumber, (s) => s.status === 'Delivered');
      expect(delivered.decisions.at(-1)).toMatchObject({
        via: 'update',
        operator: 'cli-op',
        reason: 'prescriber confirmed by phone',
        action: 'override_allergy',
        outcome: 'accepted',
      });
      // The hold ended with the resolution; the queue reads visibility, which follows the workflow's upsert.
      await pollUntil(
        'the hold gone from the queue',
        holds,
        (list) => !list.some((h) => h.orderNumber === orderNumber),
        30_000,
      );
      // Beside the name it claims, Temporal recorded who sent the update: this CLI, as the OS user on this host.
      const accepted = (await stack.client.workflow.getHandle(workflowId).fetchHistory()).events
        ?.map((event) => event.workflowExecutionUpdateAcceptedEventAttributes)
        .filter((attributes) => attributes?.acceptedRequest?.input?.name === 'resolveExceptionUpdate');
      expect(accepted?.at(-1)?.acceptedRequest?.meta?.identity).toBe(
        `fulfill-cli:${userInfo().username}@${hostname()}`,
      );
      await pollUntil(
        'the order closed',
        () => stack.client.workflow.getHandle(workflowId).describe(),
        (d) => d.status.name === 'COMPLETED',
        30_000,
      );
      const late = await fulfill(
        'resolve',
        orderNumber,
        '--action',
        'override_allergy',
        '--operator',
        'cli-op',
        '--reason',
        'again',
      );
      expect(late.code).toBe(1);
      expect(late.stderr).toContain(`${workflowId} has already ended (COMPLETED): there is nothing to resolve`);
    });

    it('an unmatched patient: match settles it once, a second match is refused', async () => {
      // One refill keeps the prescription open (waiting for the refill request) after its first fill ships.
      const result = await stack.control.runScenario('patient-not-found', { refills: 1 });
      const rx = firstPrescriptionId(result);
      await waitForPrescription(stack.client, rx, (s) => s.stage === 'AWAITING_PATIENT_MATCH');
      const hold = await pollUntil(
        'the unmatched patient listed',
        holds,
        (list) => list.some((h) => h.prescriptionId === rx && h.actions !== null),
        30_000,
      ).then((list) => list.find((h) => h.prescriptionId === rx)!);
      expect(hold.actions).toEqual(['matchPatient', 'cancel']);
      expect(hold.reason).toMatch(/^PATIENT_NOT_FOUND/);

      const matchArgs = ['match', rx, '--partner-patient', 'P-CLI-1', '--operator', 'cli-op', '--reason', 'called'];
      const unknown = await fulfill(...matchArgs);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('the partner directory has no patient P-CLI-1');
      // The partner adds the patient (the directory is read on every lookup).
      const { person } = result.patient;
      new PartnerDirectory(join(stack.env.DATA_DIR as string, 'partner-directory.json')).add(
        ['P-CLI-1', 'P-CLI-2'].map((partnerPatientId) => ({
          partnerPatientId,
          ehrId: null,
          email: null,
          firstName: person.firstName,
          lastName: person.lastName,
          dob: person.dob,
        })),
      );

      const matched = await fulfill(
        'match',
        rx,
        '--partner-patient',
        'P-CLI-1',
        '--operator',
        'cli-op',
        '--reason',
        'called the clinic',
        '--json',
      );
      expect(matched.code, matched.stderr).toBe(0);
      expect(jsonOf(matched)).toEqual({
        workflowId: `honeybee-rx-${rx}`,
        accepted: true,
        action: 'matchPatient',
        message: 'matched to partner patient P-CLI-1',
      });
      const state = await waitForPrescription(stack.client, rx, (s) => s.match?.partnerPatientId === 'P-CLI-1');
      expect(state.match).toMatchObject({ matchedBy: 'operator', operator: 'cli-op' });

      const again = await fulfill(
        'match',
        rx,
        '--partner-patient',
        'P-CLI-2',
        '--operator',
        'cli-op',
        '--reason',
        'again',
      );
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('the patient is already matched (P-CLI-1, by operator)');
    });

    it('cancel: an On Hold order through cancel_order, and a prescription at its wait', async () => {
      const rx = firstPrescriptionId(await stack.control.runScenario('exception-64', { refills: 0 }));
      const orderNumber = await orderOf(stack.client, rx);
      await waitForOrder(stack.client, orderNumber, (s) => s.status === 'On Hold' && !!s.exception);
      const canceled = await fulfill('cancel', orderNumber, '--operator', 'cli-op', '--reason', 'partner withdrew');
      expect(canceled.code, canceled.stderr).toBe(0);
      expect(canceled.stdout).toContain('Honeybee accepted cancel_order');
      await waitForOrder(stack.client, orderNumber, (s) => s.status === 'Canceled');

      const unmatched = firstPrescriptionId(await stack.control.runScenario('patient-not-found', { refills: 0 }));
      await waitForPrescription(stack.client, unmatched, (s) => s.stage === 'AWAITING_PATIENT_MATCH');
      const ended = await fulfill('cancel', unmatched, '--operator', 'cli-op', '--reason', 'duplicate prescription');
      expect(ended.code, ended.stderr).toBe(0);
      expect(ended.stdout).toContain('the prescription will be canceled');
      const final = await waitForPrescription(stack.client, unmatched, (s) => s.stage === 'CANCELED');
      expect(final.canceled).toMatchObject({ operator: 'cli-op', reason: 'duplicate prescription' });
    });

    it('a rejected lab kit: listed with resubmit, resolved with a corrected address, then canceled', async () => {
      // Rejected twice: the resubmission is rejected too, so the kit never ships and the cancel cannot be outrun.
      const scenario = await stack.control.runScenario('kit-rejected', { times: 2 });
      const dir = mkdtempSync(join(tmpdir(), 'operator-cli-'));
      const file = join(dir, 'request.json');
      writeFileSync(
        file,
        JSON.stringify({
          patientIdentifier: scenario.patient.patientIdentifier,
          patientInformation: scenario.patientInformation,
        }),
      );
      const ordered = await fulfill('lab', 'order', '--file', file, '--json');
      expect(ordered.code, ordered.stderr).toBe(0);
      const { orderIdentifier, workflowId } = jsonOf<{ orderIdentifier: string; workflowId: string }>(ordered);
      const handle = stack.client.workflow.getHandle(workflowId);
      await pollUntil(
        'the kit rejected',
        () => handle.query(labOrderStatusQuery),
        (s) => s.stage === 'REJECTED',
        60_000,
      );

      const hold = await pollUntil(
        'the lab order listed',
        holds,
        (list) => list.some((h) => h.labOrderId === orderIdentifier),
        30_000,
      ).then((list) => list.find((h) => h.labOrderId === orderIdentifier)!);
      expect(hold).toMatchObject({
        workflowType: 'labOrderWorkflow',
        reason: 'fulfillment_rejected',
        actions: ['resubmit', 'cancel'],
      });

      const wrongField = await fulfill(
        'resolve',
        orderIdentifier,
        '--action',
        'resubmit',
        '--field',
        'note=x',
        '--operator',
        'cli-op',
        '--reason',
        'r',
      );
      expect(wrongField.code).toBe(2);
      expect(wrongField.stderr).toContain('--action resubmit takes only --field address (optional), not note');
      const resubmitted = await fulfill(
        'resolve',
        orderIdentifier,
        '--action',
        'resubmit',
        '--field',
        'address.streetAddress1=1 Corrected Way',
        '--field',
        'address.city=Austin',
        '--field',
        'address.region=TX',
        '--field',
        'address.country=US',
        '--field',
        'address.postalCode=78701',
        '--operator',
        'cli-op',
        '--reason',
        'patient confirmed a new address',
      );
      expect(resubmitted.code, resubmitted.stderr).toBe(0);
      expect(resubmitted.stdout).toContain(`fulfillment request ${orderIdentifier}R2 sent to Onegevity`);

      const canceled = await fulfill(
        'cancel',
        orderIdentifier,
        '--operator',
        'cli-op',
        '--reason',
        'partner withdrew',
        '--json',
      );
      expect(canceled.code, canceled.stderr).toBe(0);
      expect(jsonOf(canceled)).toMatchObject({ workflowId, accepted: true, action: 'cancel' });
      const status = await pollUntil(
        'the lab order canceled',
        () => handle.query(labOrderStatusQuery),
        (s) => s.stage === 'CANCELED',
        30_000,
      );
      expect(status.decisions.map((r) => [r.action, r.operator, r.reason])).toEqual([
        ['resubmit', 'cli-op', 'patient confirmed a new address'],
        ['cancel', 'cli-op', 'partner withdrew'],
      ]);
    });
  });
});
