// The operator console (/console on the bridge) in Debian's Chromium, driven by playwright-core, against the real
// engine: sandbox, bridge and worker as processes on the run's dev server, in a namespace of the test's own (its
// queue and dead letters are the test's alone). A care coordinator signs in with a partner API key (operate scope),
// finds an allergy hold (exception 74) in the queue by keyboard, is told inline that the action needs its field,
// resolves it, and the order moves on with the coordinator's name and the console identity in the audit; corrects a
// rejected lab kit with a new address (a wrong country code refused inline first); reads and re-drives parked events
// (a dead letter, and a spooled event once the cause is fixed); sees a stuck workflow for what it is. Access without
// a credential, with a read-only key, or to an event body without the admin scope is refused. Pages are checked at
// 1280 px and at tablet width. Screenshots go to test/artifacts/.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { loadConfig } from '../../src/config/env.js';
import { labSettingsFromConfig } from '../../src/domain/workflow-settings.js';
import { startLabOrder } from '../../src/lab/start-lab-order.js';
import { workflowTaskFailing } from '../../src/operators/workflow-health.js';
import type { EngineProcess } from '../../src/runtime/child-process.js';
import { PROJECT_ROOT } from '../../src/temporal/binaries.js';
import { createDataConverter, failureConverterPath } from '../../src/temporal/data-converter.js';
import { signHoneybeeWebhook } from '../../src/vendors/honeybee/webhook-auth.js';
import { honeybeeOrderStatusQuery } from '../../workflows/honeybee/messages.js';
import { labOrderStatusQuery } from '../../workflows/lab/messages.js';
import { noteSignal, noteStatusQuery, POISON } from '../fixtures/workflows/poison-signal.js';
import { launchChromium } from '../harness/chromium.js';
import { startBridgeProcess } from '../harness/engine.js';
import { runFulfill } from '../harness/fulfill-cli.js';
import { firstPrescriptionId, orderOf, pollUntil, waitForOrder } from '../harness/honeybee.js';
import { createTestNamespace, type TestNamespace } from '../harness/namespaces.js';
import { testPayloadKeyConfig } from '../harness/payload-keys.js';
import { startStack, type EngineStack } from '../harness/stack.js';
import { temporalAddress, uniqueTaskQueue } from '../harness/temporal.js';
import { OnegevityHttp } from '../harness/vendor-http.js';

const ARTIFACTS = join(PROJECT_ROOT, 'test', 'artifacts');
const OPERATE_KEY = 'console-coordinator-key-0123456789';
const READ_KEY = 'console-auditor-key-0123456789';
const ADMIN_KEY = 'console-supervisor-key-0123456789';
const WEB_UI = 'http://127.0.0.1:18233';
const DESKTOP = { width: 1280, height: 900 };
const TABLET = { width: 820, height: 1180 };

describe('the operator console', () => {
  let namespace: TestNamespace;
  let client: Client;
  let stack: EngineStack;
  let browser: BrowserContext;
  let page: Page;
  let console_: string;

  beforeAll(async () => {
    // The browser first: without Chromium the test fails at once, saying how to install it.
    browser = await launchChromium(DESKTOP);
    namespace = await createTestNamespace('console');
    client = namespace.client;
    stack = await startStack({
      engine: {
        TEMPORAL_NAMESPACE: namespace.namespace,
        HONEYBEE_WORKFLOW_MODE: 'partner_requested',
        PARTNER_API_KEYS: `coordinator:operate:${OPERATE_KEY},auditor:read:${READ_KEY},supervisor:admin:${ADMIN_KEY}`,
        TEMPORAL_UI_URL: WEB_UI,
        LOG_LEVEL: 'warn',
      },
      sandbox: { SANDBOX_STEP_DELAY: '1s' },
    });
    console_ = `${stack.bridgeUrl}/console`;
    page = await browser.newPage();
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await namespace?.close();
  });

  async function screenshot(name: string): Promise<void> {
    const path = join(ARTIFACTS, `console-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    process.stdout.write(`[console] screenshot ${path}\n`);
  }

  /** Nothing wider than the window: usable without scrolling sideways. */
  async function fitsWidth(): Promise<boolean> {
    return (await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')) === true;
  }

  async function signIn(key: string, operator: string): Promise<void> {
    await page.goto(`${console_}/sign-in`);
    await page.getByLabel('API key or access token').fill(key);
    await page.getByLabel('Your name').fill(operator);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${console_}`);
  }

  /** The queue row of `text`, once visibility lists it (the page reloads until it does). */
  async function queueRow(text: string): Promise<Locator> {
    const row = page.locator('#queue-rows tr').filter({ hasText: text });
    await expect
      .poll(
        async () => {
          if ((await row.count()) > 0) return true;
          await page.reload();
          return false;
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(true);
    return row;
  }

  /** Presses Tab until the link to `href` has the focus (at most `limit` times): reaching it by keyboard. */
  async function tabTo(href: string, limit = 40): Promise<void> {
    for (let presses = 0; presses < limit; presses += 1) {
      if ((await page.evaluate('document.activeElement?.getAttribute("href")')) === href) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`${href} not reached by ${limit} presses of Tab`);
  }

  it('refuses access without a credential, with a read-only key, and a forged or unsigned action', async () => {
    await page.goto(console_);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(await page.locator('#queue-rows').count()).toBe(0);
    await page.getByLabel('API key or access token').fill(READ_KEY);
    await page.getByLabel('Your name').fill('Ava Auditor');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toContain('the key auditor lacks the operate scope');
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(await page.getByLabel('API key or access token').getAttribute('aria-invalid')).toBe('true');
    await screenshot('1-sign-in-refused');

    const unsigned = await fetch(`${console_}/workflows/honeybee-order-HB1/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=override_allergy&operator=x&reason=y',
      redirect: 'manual',
    });
    expect(unsigned.status).toBe(401);
    const reader = await fetch(console_, { headers: { authorization: `Bearer ${READ_KEY}` }, redirect: 'manual' });
    expect(reader.status).toBe(403);
    const api = await fetch(console_, { headers: { authorization: 'Bearer not-a-key' }, redirect: 'manual' });
    expect(api.status).toBe(401);
  });

  it('resolves an allergy hold (exception 74) end to end, after showing a missing field inline', async () => {
    const rx = firstPrescriptionId(await stack.control.runScenario('exception-74', { refills: 0 }));
    const orderNumber = await orderOf(client, rx);
    const held = await waitForOrder(client, orderNumber, (s) => s.status === 'On Hold' && !!s.exception);
    expect(held.exception?.code).toBe('74');
    const workflowId = `honeybee-order-${orderNumber}`;
    const status = await client.workflow.getHandle(workflowId).query(honeybeeOrderStatusQuery);
    expect(status.nextEscalationAt).toBe(new Date(Date.parse(held.onHoldSince!) + 4 * 3_600_000).toISOString());

    await signIn(OPERATE_KEY, 'Casey Coordinator');
    const row = await queueRow(`Honeybee order ${orderNumber}`);
    expect(await row.locator('td[data-label="Reason"]').innerText()).toBe('74 Allergy Detected');
    expect(await row.locator('td[data-label="Escalation level"]').innerText()).toBe('0');
    const next = row.locator('td[data-label="Next escalation"] time');
    expect(await next.getAttribute('datetime')).toBe(status.nextEscalationAt);
    expect(await next.innerText()).toMatch(/^in 3h 5\dm$/);
    expect(await row.locator('td[data-label="Actions"]').innerText()).toContain('override_allergy');
    expect(await fitsWidth()).toBe(true);
    await screenshot('2-queue');

    // By keyboard: the skip link, then Tab to the order's link, Enter.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    expect(await row.getByRole('link', { name: `Honeybee order ${orderNumber}` }).getAttribute('href')).toBe(
      `/console/workflows/${workflowId}`,
    );
    await tabTo(`/console/workflows/${workflowId}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${console_}/workflows/${workflowId}`);

    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain(`Honeybee order ${orderNumber}`);
    expect(await page.getByRole('link', { name: 'Open in the Temporal Web UI' }).getAttribute('href')).toBe(
      `${WEB_UI}/namespaces/${namespace.namespace}/workflows/${workflowId}`,
    );
    const wrong = page.locator('section', { has: page.getByRole('heading', { name: 'What is wrong' }) });
    expect(await wrong.innerText()).toContain('Why: 74 Allergy Detected');
    // The vendor's own words, as the operator contract's holdDetail carries them.
    expect(status.holdDetail).toBeTruthy();
    expect(await wrong.locator('blockquote').innerText()).toBe(status.holdDetail);
    const timeline = page.locator('table.timeline');
    expect(await timeline.innerText()).toContain('exception: 74 Allergy Detected');
    expect(await timeline.innerText()).toMatch(/Honeybee ORDER_EXCEPTION received/);

    const form = page.locator('form', { has: page.getByRole('heading', { name: 'override_allergy' }) });
    const note = form.getByLabel('prescriber_note');
    expect(await note.getAttribute('aria-describedby')).toBeTruthy();
    expect(await form.innerText()).toContain("the prescriber's note settling the exception");
    expect(await form.getByLabel('Operator').inputValue()).toBe('Casey Coordinator');

    // The field left empty: the workflow's validator refuses, and the page says so beside the field.
    await form.getByLabel('Reason').fill('prescriber confirmed by phone');
    await form.getByRole('button', { name: 'Resolve: override_allergy' }).click();
    const refused = page.locator('form', { has: page.getByRole('heading', { name: 'override_allergy' }) });
    await expect
      .poll(() => refused.getByRole('alert').innerText())
      .toBe('Not accepted: action "override_allergy" needs the field prescriber_note');
    const invalid = refused.getByLabel('prescriber_note');
    expect(await invalid.getAttribute('aria-invalid')).toBe('true');
    expect(await refused.innerText()).toContain('prescriber_note is required');
    expect(await refused.getByLabel('Reason').inputValue()).toBe('prescriber confirmed by phone');
    await screenshot('3-validation-error');
    // Refused by the validator: nothing was recorded, the order still waits.
    const unchanged = await client.workflow.getHandle(workflowId).query(honeybeeOrderStatusQuery);
    expect(unchanged.status).toBe('On Hold');
    expect(unchanged.decisions.filter((decision) => decision.operator === 'Casey Coordinator')).toEqual([]);

    await invalid.fill('benefit outweighs risk');
    await refused.getByRole('button', { name: 'Resolve: override_allergy' }).click();
    await expect.poll(() => page.getByRole('status').first().innerText(), { timeout: 30_000 }).toMatch(/^Accepted: /);
    await screenshot('4-resolved');

    const resolved = await waitForOrder(client, orderNumber, (s) =>
      s.decisions.some((d) => d.operator === 'Casey Coordinator' && d.outcome === 'accepted'),
    );
    expect(resolved.decisions.find((d) => d.operator === 'Casey Coordinator')).toMatchObject({
      via: 'update',
      action: 'override_allergy',
      reason: 'prescriber confirmed by phone',
    });
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const accepted = history.events?.find((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.identity).toBe(
      'console:key:coordinator',
    );
    expect((await waitForOrder(client, orderNumber, (s) => s.status !== 'On Hold')).stage).not.toBe('ORDER_ON_HOLD');
    const { requests } = await stack.control.requests({ endpoint: 'honeybee.orderAction' });
    expect(requests.some((entry) => entry.status === 204)).toBe(true);

    // The audit shows the operator's name and the console identity, in the CLI and on the page.
    const audit = await runFulfill(['audit', orderNumber], stack.env);
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toContain(
      'by Casey Coordinator: prescriber confirmed by phone [sent by console:key:coordinator] (update)',
    );
    await page.reload();
    expect(await page.locator('table.timeline').innerText()).toMatch(
      /Casey Coordinator: prescriber confirmed by phone\s+sent by console:key:coordinator/,
    );

    await page.setViewportSize(TABLET);
    expect(await fitsWidth()).toBe(true);
    await screenshot('5-detail-tablet');
    await page.setViewportSize(DESKTOP);
  });

  it('corrects a rejected lab kit with a new address, after an invalid country code is refused inline', async () => {
    // The queue is open, filtered to Onegevity, before the kit is even ordered: its row arrives by live refresh.
    await page.goto(console_);
    await page.getByLabel('Vendor').selectOption('onegevity');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/vendor=onegevity/);
    expect(await page.locator('#queue-summary').innerText()).toContain(' 0 waiting for an operator ');
    const scenario = await stack.control.runScenario('kit-rejected', {
      rejectReason: 'Shipping address is not serviceable',
    });
    const info = scenario.patientInformation!;
    const started = await startLabOrder(
      client,
      stack.env.TEMPORAL_TASK_QUEUE!,
      {
        patientIdentifier: scenario.patient.patientIdentifier as string,
        patientInformation: { ...info, address: { ...info.address } },
      },
      labSettingsFromConfig(loadConfig(stack.env)),
    );
    const handle = client.workflow.getHandle(started.workflowId);
    await pollUntil(
      'the kit rejected',
      () => handle.query(labOrderStatusQuery),
      (s) => s.stage === 'REJECTED',
      60_000,
    );

    const row = page.locator('#queue-rows tr').filter({ hasText: `lab order ${started.orderIdentifier}` });
    await expect.poll(() => row.count(), { timeout: 90_000, interval: 1_000 }).toBe(1);
    // The summary came with the rows (and is announced: aria-live).
    expect(await page.locator('#queue-summary').innerText()).toContain(' 1 waiting for an operator ');
    expect(await row.locator('td[data-label="Reason"]').innerText()).toBe('fulfillment_rejected');
    expect(await row.locator('td[data-label="Vendor"]').innerText()).toBe('Onegevity');
    expect(await page.locator('#queue-rows').innerText()).not.toContain('Honeybee order');
    await page.setViewportSize(TABLET);
    expect(await fitsWidth()).toBe(true);
    await screenshot('6-queue-tablet');
    await page.setViewportSize(DESKTOP);
    await row.getByRole('link').click();
    await page.waitForURL(`${console_}/workflows/${started.workflowId}`);
    expect(await page.locator('main').innerText()).toContain('Onegevity says: Shipping address is not serviceable');

    const form = () => page.locator('form', { has: page.getByRole('heading', { name: 'resubmit' }) });
    const address = {
      streetAddress1: '77 Corrected Street',
      city: 'Austin',
      region: 'TX',
      country: 'USA',
      postalCode: '78701',
    };
    const group = form().getByRole('group', { name: /address/ });
    for (const [member, value] of Object.entries(address)) await group.getByLabel(member).fill(value);
    await form().getByLabel('Reason').fill('patient gave a new address by phone');
    await form().getByRole('button', { name: 'Resolve: resubmit' }).click();
    await expect
      .poll(() => form().getByRole('alert').innerText())
      .toContain('must be an ISO 3166 two-letter country code');
    const country = form()
      .getByRole('group', { name: /address/ })
      .getByLabel('country');
    expect(await country.getAttribute('aria-invalid')).toBe('true');
    expect(await country.inputValue()).toBe('USA');
    expect(
      await form()
        .getByRole('group', { name: /address/ })
        .getByLabel('city')
        .inputValue(),
    ).toBe('Austin');
    await screenshot('7-lab-address-refused');
    expect((await handle.query(labOrderStatusQuery)).fulfillment.attempt).toBe(1);

    await country.fill('US');
    await form().getByRole('button', { name: 'Resolve: resubmit' }).click();
    await expect.poll(() => page.getByRole('status').first().innerText(), { timeout: 30_000 }).toMatch(/^Accepted: /);
    await screenshot('8-lab-resubmitted');

    const resubmitted = await new OnegevityHttp(stack.sandbox.url).request<{
      fulfillmentInformation: { shippingAddress: unknown };
    }>('GET', `/fulfillment-requests/${started.orderIdentifier}R2`);
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.fulfillmentInformation.shippingAddress).toMatchObject({ ...address, country: 'US' });
    const after = await handle.query(labOrderStatusQuery);
    expect(after.fulfillment).toMatchObject({ requestIdentifier: `${started.orderIdentifier}R2`, attempt: 2 });
    expect(after.decisions.at(-1)).toMatchObject({ operator: 'Casey Coordinator', action: 'resubmit' });
  });

  it('lists parked events; only the admin scope reads their bodies; a re-drive hands one on once, refusing what still routes nowhere', async () => {
    const marker = `console-marker-${randomUUID().slice(0, 8)}`;
    const publicUrl = `${stack.env.BRIDGE_PUBLIC_URL}/webhooks/honeybee`;
    const post = (bridgeUrl: string, payload: Record<string, unknown>) => {
      const body = JSON.stringify(payload);
      const signature = signHoneybeeWebhook(stack.env.HONEYBEE_CLIENT_SECRET!, {
        method: 'POST',
        url: publicUrl,
        body: Buffer.from(body),
      });
      return fetch(`${bridgeUrl}/webhooks/honeybee`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-honeybee-signature': signature },
        body,
      });
    };
    // Fits no workflow: parked in the dead letter.
    const unknown = await post(stack.bridgeUrl, { event_id: randomUUID(), event_type: 'PATIENT_NOTE_ADDED', marker });
    expect(unknown.status).toBe(202);
    // A bridge misconfigured (a namespace that does not exist) spools an order event: the engine's fault, 500.
    const orderNumber = `HBC${randomUUID().slice(0, 8)}`;
    let misconfigured: EngineProcess | undefined;
    try {
      const started = await startBridgeProcess({
        ...stack.env,
        TEMPORAL_NAMESPACE: 'no-such-namespace',
        BRIDGE_PORT: '0',
      });
      misconfigured = started.process;
      const spooled = await post(started.url, {
        event_id: randomUUID(),
        event_type: 'RX_UPDATED',
        order_number: orderNumber,
        timestamp: new Date().toISOString(),
        medication_requests: [],
      });
      expect(spooled.status).toBe(500);
    } finally {
      await misconfigured?.stop();
    }

    // The dead letter's runs are found through visibility, which lags the webhook's 202: reload until both are listed.
    const parkedRows = page.locator('table tbody tr');
    await expect
      .poll(
        async () => {
          await page.goto(`${console_}/parked`);
          return page.locator('table').innerText();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toMatch(/PATIENT_NOTE_ADDED[\s\S]*RX_UPDATED|RX_UPDATED[\s\S]*PATIENT_NOTE_ADDED/);
    expect(await parkedRows.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('table').innerText()).toMatch(/PATIENT_NOTE_ADDED[\s\S]*no route for event type/);
    expect(await page.locator('table').innerText()).toContain('RX_UPDATED');
    // The queue lists them too, beside the holds.
    await page.goto(`${console_}?kind=parked`);
    expect(await page.locator('#queue-rows').innerText()).toContain('parked Honeybee PATIENT_NOTE_ADDED');

    // The coordinator (operate) may not read a body: it may hold PHI.
    await page.goto(`${console_}/parked`);
    await page.getByRole('link', { name: 'PATIENT_NOTE_ADDED' }).click();
    expect(await page.locator('main').innerText()).toContain('You may not read event bodies');
    expect(await page.content()).not.toContain(marker);
    const eventUrl = page.url();
    expect((await fetch(eventUrl, { headers: { authorization: `Bearer ${OPERATE_KEY}` } })).status).toBe(403);

    // The supervisor (admin) reads it, decrypted, and re-drives both.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(ADMIN_KEY, 'Sam Supervisor');
    await page.goto(eventUrl);
    expect(await page.getByLabel('Event body').innerText()).toContain(marker);
    await screenshot('9-parked-event');
    await page.getByRole('button', { name: 'Re-drive this event' }).click();
    // Routing unchanged: refused as `fulfill parked redrive` refuses it, and not parked a second time.
    await expect
      .poll(() => page.getByRole('alert').first().innerText())
      .toBe('Not re-driven: it still routes nowhere: no route for event type PATIENT_NOTE_ADDED');

    await page.goto(`${console_}/parked`);
    await page.getByRole('link', { name: 'RX_UPDATED' }).click();
    expect(await page.locator('main').innerText()).toContain('answered 500 engine_misconfigured');
    await page.getByRole('button', { name: 'Re-drive this event' }).click();
    await expect
      .poll(() => page.getByRole('status').first().innerText())
      .toBe(`Re-driven: delivered to honeybee-order-${orderNumber}`);
    await screenshot('10-redriven');
    // Recorded: out of the queue, and not handed on twice.
    await page.getByRole('button', { name: 'Re-drive this event' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().innerText())
      .toMatch(/^Not re-driven: re-driven already by key:supervisor at .* to honeybee-order-/);
    await page.goto(`${console_}/parked`);
    expect(await page.getByRole('link', { name: 'PATIENT_NOTE_ADDED' }).count()).toBe(1);
    const history = await client.workflow.getHandle(`honeybee-order-${orderNumber}`).fetchHistory();
    const start = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(start?.identity).toBe('console:key:supervisor');
  });

  it('shows a stuck workflow as "workflow task failing", with no forms until it is repaired', async () => {
    const taskQueue = uniqueTaskQueue('console-stuck');
    const { code } = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../fixtures/workflows/poison-signal.ts', import.meta.url)),
      failureConverterPath: failureConverterPath(),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
    });
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const worker = await Worker.create({
      connection,
      namespace: namespace.namespace,
      taskQueue,
      workflowBundle: { code },
      dataConverter: createDataConverter(testPayloadKeyConfig),
    });
    const running = worker.run();
    try {
      const workflowId = `honeybee-order-stuck-${randomUUID().slice(0, 8)}`;
      const handle = await client.workflow.start('poisonSignalWorkflow', { taskQueue, workflowId });
      // A first good task (it flags NeedsOperator), then the poison fails every task after it.
      await handle.signal(noteSignal, 'before');
      await pollUntil(
        'the first note',
        () => handle.query(noteStatusQuery),
        (s) => s.received.includes('before'),
        30_000,
      );
      await handle.signal(noteSignal, POISON);
      await pollUntil('a failing workflow task', () => workflowTaskFailing(client, workflowId), Boolean, 60_000);

      await page.goto(`${console_}?kind=stuck`);
      const row = await queueRow(workflowId.slice('honeybee-order-'.length));
      expect(await row.locator('td[data-label="Reason"]').innerText()).toBe('workflow task failing: poisoned input');
      expect(await row.innerText()).toContain('stuck');
      await row.getByRole('link').click();
      await page.waitForURL(`${console_}/workflows/${workflowId}`);
      expect(await page.getByRole('alert').first().innerText()).toContain('workflow task failing: poisoned input');
      expect(await page.locator('form.action-form').count()).toBe(0);
      await screenshot('11-stuck');
      await handle.terminate('console test done');
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });
});
