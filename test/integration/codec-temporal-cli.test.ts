// The codec service serves every client Temporal ships, tested with the real `temporal` CLI (the binary setup
// installs) against an order held On Hold by the sandbox pharmacy: `workflow metadata` shows its current details
// decoded, `workflow query --name status` decodes, and an update refused by its validator reads as the validator's
// words instead of "Encoded failure". Without --codec-endpoint the same commands show only ciphertext (so each check
// can fail), except the validator's refusal, which the engine leaves unencoded for the Web UI. A codec that requires a
// token serves the CLI's `--codec-auth`.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalExecutable } from '../../src/temporal/binaries.js';
import { firstPrescriptionId, orderOf, pollUntil, waitForOrder } from '../harness/honeybee.js';
import { startCodecProcess } from '../harness/engine.js';
import { startStack, type EngineStack } from '../harness/stack.js';
import { temporalAddress } from '../harness/temporal.js';

const CLI_TOKEN = 'cli-test-token-0123456789';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function temporalCli(args: string[]): Promise<CliRun> {
  const cli = resolveTemporalExecutable('dev-server');
  if (cli.type !== 'existing-path') throw new Error('the temporal CLI is not installed: run npm run setup');
  return new Promise((resolve) => {
    execFile(
      cli.path,
      [...args, '--address', temporalAddress(), '--namespace', 'default'],
      // No TEMPORAL_* from this process: the CLI reads TEMPORAL_CODEC_ENDPOINT and friends from the environment.
      { env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the temporal CLI through the codec service', () => {
  let stack: EngineStack;
  let codecUrl: string;
  let workflowId: string;
  let orderNumber: string;

  beforeAll(async () => {
    stack = await startStack({
      engine: { HONEYBEE_WORKFLOW_MODE: 'partner_requested' },
      sandbox: { SANDBOX_STEP_DELAY: '1s' },
      codecPort: 0,
    });
    codecUrl = stack.codec!.url;
    const rx = firstPrescriptionId(await stack.control.runScenario('exception-74', { refills: 0 }));
    orderNumber = await orderOf(stack.client, rx);
    await waitForOrder(stack.client, orderNumber, (state) => state.status === 'On Hold' && !!state.exception);
    workflowId = `honeybee-order-${orderNumber}`;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('shows the current details decoded with `workflow metadata`, and only ciphertext without the codec', async () => {
    const decoded = await temporalCli(['workflow', 'metadata', '-w', workflowId, '--codec-endpoint', codecUrl]);
    expect(decoded.code, decoded.stderr).toBe(0);
    expect(decoded.stdout).toContain(`Honeybee order ${orderNumber}`);
    expect(decoded.stdout).toContain('74 Allergy Detected');
    expect(decoded.stdout).toContain('override_allergy');

    const encrypted = await temporalCli(['workflow', 'metadata', '-w', workflowId]);
    expect(encrypted.stdout).not.toContain('74 Allergy Detected');
  });

  it('decodes `workflow query --name status`', async () => {
    const decoded = await temporalCli([
      'workflow',
      'query',
      '--name',
      'status',
      '-w',
      workflowId,
      '--codec-endpoint',
      codecUrl,
    ]);
    expect(decoded.code, decoded.stderr).toBe(0);
    expect(decoded.stdout).toContain(orderNumber);
    expect(decoded.stdout).toContain('On Hold');

    const encrypted = await temporalCli(['workflow', 'query', '--name', 'status', '-w', workflowId]);
    expect(encrypted.stdout).not.toContain('On Hold');

    // A mistyped name is answered in the SDK's words, readable without the codec (it was "Encoded failure").
    const mistyped = await temporalCli(['workflow', 'query', '--name', 'stauts', '-w', workflowId]);
    expect(mistyped.code).not.toBe(0);
    expect(mistyped.stderr + mistyped.stdout).toContain('Workflow did not register a handler for stauts');
  });

  it("reads an update's validation error in the validator's words, with the codec or without", async () => {
    const input = JSON.stringify({ action: 'not_an_action', operator: 'cli-operator', reason: 'testing the CLI' });
    const update = ['workflow', 'update', 'execute', '--name', 'resolveExceptionUpdate', '-w', workflowId];
    const decoded = await temporalCli([...update, '--input', input, '--codec-endpoint', codecUrl]);
    expect(decoded.code).not.toBe(0);
    expect(decoded.stderr + decoded.stdout).toContain('action "not_an_action" is not offered');
    expect(decoded.stderr + decoded.stdout).not.toContain('Encoded failure');

    // A validator's refusal is the one failure left unencoded (InputRefused, src/temporal/failure-converter.ts), so
    // that the Web UI, which does not decode an update's failure, shows it: without the codec it reads the same.
    const plain = await temporalCli([...update, '--input', input]);
    expect(plain.code).not.toBe(0);
    expect(plain.stderr + plain.stdout).toContain('action "not_an_action" is not offered');
  });

  it('serves the CLI with a static token (--codec-auth), logs its namespace, and refuses it without one', async () => {
    const guarded = await startCodecProcess({
      ...stack.env,
      CODEC_AUTH_TOKENS: `ops-cli:${CLI_TOKEN}`,
      ENGINE_ENV: 'production',
    });
    try {
      const query = ['workflow', 'query', '--name', 'status', '-w', workflowId, '--codec-endpoint', guarded.url];
      const withToken = await temporalCli([...query, '--codec-auth', `Bearer ${CLI_TOKEN}`]);
      expect(withToken.code, withToken.stderr).toBe(0);
      expect(withToken.stdout).toContain('On Hold');
      const without = await temporalCli(query);
      expect(without.stdout).not.toContain('On Hold');
      // Every decode is logged with who, the namespace the CLI named, and how many payloads; never a payload. (The
      // logger writes asynchronously: wait for the refusal's line.)
      const log = await pollUntil(
        'the refused decode logged',
        async () => guarded.process.output(),
        (output) => output.includes('"outcome":"unauthorized"'),
        10_000,
      );
      expect(log).toMatch(/"operation":"decode","who":"token:ops-cli","namespace":"default","payloads":\d+/);
      expect(log).not.toContain('On Hold');
    } finally {
      await guarded.process.stop();
    }
  });
});
