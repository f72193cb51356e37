// The partner API against its own OpenAPI document, by Schemathesis (property-based: it generates valid and invalid
// requests for every operation from the document's schemas) against the live API: a real bridge, worker and sandbox
// on the run's Temporal dev server. Its path parameters name real workflows (a held order, its prescription, a lab
// order), so answers come from real state, not only 404s. Nothing may answer 5xx, and every answer (status, content
// type, headers, body) must be one the document describes. Bounded: a few examples per operation, no stateful phase.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstPrescriptionId, waitForOrder, waitForPrescription } from '../harness/honeybee.js';
import { startStack, type EngineStack } from '../harness/stack.js';
import { startDevServer, type StartedDevServer } from '../../src/temporal/dev-server.js';

const SCHEMATHESIS = join(process.cwd(), '.tools', 'schemathesis', 'bin', 'schemathesis');
const KEY = 'schemathesis-contract-key-0123456789';
/** One sandbox step per advance, well under the sandbox tokens' 1 h lifetime. */
const STEP = '20m';
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
];

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', COLUMNS: '200' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the partner API matches its OpenAPI document (Schemathesis)', () => {
  let stack: EngineStack;
  let server: StartedDevServer | undefined;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    if (!existsSync(SCHEMATHESIS)) {
      throw new Error(
        'Schemathesis is missing from .tools/schemathesis: run `npm run setup` (it needs Python and pip)',
      );
    }
    // A Temporal server of its own: on the run's shared one, the listings (operator queue, parked events) query every
    // engine's dead-letter workflows, and one left by a finished test, whose worker is gone, answers no query: each
    // listing then waits out its 10 s deadline, and the generated requests outlast the test's time.
    server = await startDevServer({ ip: '127.0.0.1' });
    stack = await startStack({
      temporal: { address: server.address, namespace: 'default' },
      engine: {
        PARTNER_API_KEYS: `contract:admin:${KEY}`,
        PARTNER_API_RATE_LIMIT: '1000000',
        HONEYBEE_FILL_APPROVAL: 'partner',
        ORDER_RECONCILE_INTERVAL: '6h',
      },
      sandbox: { SANDBOX_STEP_DELAY: STEP },
    });
    // A prescription whose order goes On Hold (74), and a lab order: real workflows for the generated requests.
    const rx = firstPrescriptionId(await stack.control.runScenario('exception-74'));
    await waitForPrescription(stack.client, rx, (s) => s.stage === 'AWAITING_FILL_APPROVAL');
    const approve = await fetch(`${stack.bridgeUrl}/api/prescriptions/${rx}/fill-approvals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ approvedBy: 'billing' }),
    });
    expect(approve.status).toBe(200);
    const { currentOrder } = await waitForPrescription(stack.client, rx, (s) => s.currentOrder !== undefined);
    await stack.control.advance(STEP);
    await waitForOrder(stack.client, currentOrder!.orderNumber, (s) => s.status === 'On Hold' && !!s.exception);
    const lab = await fetch(`${stack.bridgeUrl}/api/lab-orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        patientIdentifier: 'P-CONTRACT-1',
        patientInformation: {
          firstName: 'Test',
          lastName: 'Patient',
          gender: 'FEMALE',
          dateOfBirth: '1980-01-02',
          email: 'test.patient@example.com',
          phoneNumber: '+1 555 010 0000',
          address: {
            streetAddress1: '1 Main St',
            city: 'Springfield',
            region: 'IL',
            country: 'US',
            postalCode: '62701',
          },
        },
      }),
    });
    expect(lab.status).toBe(201);
    Object.assign(ids, {
      prescriptionId: rx,
      orderNumber: currentOrder!.orderNumber,
      orderIdentifier: ((await lab.json()) as { orderIdentifier: string }).orderIdentifier,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await server?.teardown();
  });

  it('answers every generated request without a 5xx, and as the document says', async () => {
    const work = mkdtempSync(join(tmpdir(), 'schemathesis-'));
    // Path parameters name the real workflows above (query strings and bodies are generated).
    const parameters = Object.entries(ids)
      .map(([name, value]) => `"path.${name}" = "${value}"`)
      .join('\n');
    writeFileSync(join(work, 'schemathesis.toml'), `[parameters]\n${parameters}\n`);
    const { code, output } = await run(
      SCHEMATHESIS,
      [
        '--config-file',
        join(work, 'schemathesis.toml'),
        'run',
        `${stack.bridgeUrl}/api/openapi.json`,
        '--url',
        stack.bridgeUrl,
        '--header',
        `Authorization: Bearer ${KEY}`,
        '--checks',
        CHECKS.join(','),
        '--phases',
        'examples,coverage,fuzzing',
        '--max-examples',
        '8',
        '--seed',
        '19',
        // One worker: Hypothesis is not thread-safe in every strategy schemathesis builds.
        '--workers',
        '1',
        '--output-truncate',
        'true',
        '--request-timeout',
        '30',
        '--suppress-health-check',
        'all',
        // Every request and answer, for a look after a failure (test/artifacts is not committed).
        '--report',
        'har',
        '--report-dir',
        join(process.cwd(), 'test', 'artifacts', 'schemathesis'),
      ],
      work,
    );
    expect(code, output).toBe(0);
    // Every operation of the document was tested, none skipped or errored.
    expect(output, output).toMatch(/(\d+) passed/);
    expect(output).not.toMatch(/\d+ (failed|errored)/);
  });
});
