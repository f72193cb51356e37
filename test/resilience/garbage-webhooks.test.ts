// Garbage at the webhook endpoints of a real bridge process: ten thousand generated requests (seeded) that are
// malformed, forged, signed with the wrong secret, truncated, of the wrong content type, oversized, unsigned, or an
// authentic delivery replayed with its body tampered, for both vendors. The bridge stays up, accepts none of them
// (no workflow in its namespace, no accepted or parked webhook in its metrics) and answers each with a 4xx and a
// reason. Then one authentic webhook still gets through: the same checks see a workflow when there is one.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstPrescriptionId, pollUntil, waitForPrescription } from '../harness/honeybee.js';
import { GARBAGE_CATEGORIES, generateGarbage, type GarbageRequest } from './garbage-webhooks.js';
import { printSummary, resilienceSeed, startRunStack, type RunStack } from './prescription-run.js';

const COUNT = Number(process.env.RESILIENCE_GARBAGE_COUNT ?? 10_000);
const CONCURRENCY = 16;
const BODY_LIMIT_BYTES = 1_048_576;

interface Answer {
  status: number;
  code?: string;
  message?: string;
  error?: string;
}

function answerFrom(status: number, text: string): Answer {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return {
      status,
      ...(typeof error?.code === 'string' ? { code: error.code } : {}),
      ...(typeof error?.message === 'string' ? { message: error.message } : {}),
    };
  } catch {
    return { status, error: `body is not JSON: ${text.slice(0, 80)}` };
  }
}

/**
 * An oversized body the way a careful client sends one: headers first (Content-Length says how big), the body only
 * if no answer comes within a second. The bridge refuses on Content-Length alone and closes the connection, so a
 * client that streams the megabyte regardless may hit EPIPE before it reads the 413 (seen for about 3% of them
 * under load).
 */
function sendHeadersFirst(bridgeUrl: string, request: GarbageRequest): Promise<Answer> {
  return new Promise((resolve) => {
    const url = new URL(request.path, bridgeUrl);
    const outgoing = httpRequest(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(request.body.length) },
    });
    let settled = false;
    const settle = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outgoing.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => outgoing.end(request.body), 1_000);
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => settle(answerFrom(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
      response.on('error', (error) => settle({ status: 0, error: error.message }));
    });
    outgoing.on('error', (error) => settle({ status: 0, error: error.message }));
    outgoing.flushHeaders();
  });
}

async function send(bridgeUrl: string, request: GarbageRequest): Promise<Answer> {
  if (request.category === 'oversized-body') return sendHeadersFirst(bridgeUrl, request);
  try {
    const response = await fetch(`${bridgeUrl}${request.path}`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(30_000),
    });
    return answerFrom(response.status, await response.text());
  } catch (error) {
    return {
      status: 0,
      error:
        error instanceof Error
          ? `${error.message} ${error.cause instanceof Error ? error.cause.message : ''}`
          : String(error),
    };
  }
}

/** The bridge's Prometheus counter lines for webhook outcomes, as `outcome → count`. */
async function webhookOutcomes(bridgeUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${bridgeUrl}/metrics`)).text();
  const totals: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^fulfill_webhooks_total\{.*outcome="([^"]+)".*\} (\d+)/.exec(line);
    if (match) totals[match[1]!] = (totals[match[1]!] ?? 0) + Number(match[2]);
  }
  return totals;
}

describe('resilience: garbage webhooks', () => {
  let run: RunStack;
  const seed = resilienceSeed();

  beforeAll(async () => {
    run = await startRunStack(seed + 3, { engine: { BRIDGE_BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) } });
  });
  afterAll(async () => {
    await run?.stop();
  });

  it(`${COUNT} malformed, forged, truncated and oversized webhooks: no crash, nothing accepted, every answer a 4xx with a reason`, async () => {
    const { stack } = run;
    const requests = generateGarbage(seed, COUNT, {
      honeybeeClientSecret: stack.env.HONEYBEE_CLIENT_SECRET!,
      honeybeeUrl: new URL('/webhooks/honeybee', stack.env.BRIDGE_PUBLIC_URL).toString(),
      onegevitySecret: stack.env.ONEGEVITY_WEBHOOK_SECRETS!.split(',')[0]!,
      bodyLimitBytes: BODY_LIMIT_BYTES,
    });
    const table = new Map<string, number>();
    const byStatus = new Map<number, number>();
    const wrong: string[] = [];
    let sent = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let next = requests.next(); !next.done; next = requests.next()) {
          const request = next.value;
          const answer = await send(stack.bridgeUrl, request);
          sent += 1;
          const key = `${request.category} ${request.vendor} → ${answer.status} ${answer.code ?? answer.error ?? ''}`;
          table.set(key, (table.get(key) ?? 0) + 1);
          byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
          const fine = answer.status >= 400 && answer.status < 500 && Boolean(answer.code) && Boolean(answer.message);
          if (!fine && wrong.length < 20) wrong.push(`${request.category} ${request.path}: ${JSON.stringify(answer)}`);
        }
      }),
    );

    const healthz = await fetch(`${stack.bridgeUrl}/healthz`);
    const readyz = await fetch(`${stack.bridgeUrl}/readyz`);
    const workflows = (await stack.client.workflow.count()).count;
    const outcomes = await webhookOutcomes(stack.bridgeUrl);
    printSummary(`garbage webhooks: ${sent} requests (RESILIENCE_SEED=${seed})`, [
      ...[...table.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, count]): [string, number] => [key, count]),
      ['— by status', [...byStatus.entries()].map(([status, count]) => `${status}: ${count}`).join(', ')],
      ['bridge /healthz, /readyz after', `${healthz.status}, ${readyz.status}`],
      ['workflows in the namespace', workflows],
      ['bridge webhook outcomes (metrics)', JSON.stringify(outcomes)],
    ]);

    expect(sent).toBe(COUNT);
    expect(wrong).toEqual([]);
    expect([stack.bridge.child.exitCode, stack.bridge.child.signalCode]).toEqual([null, null]);
    expect(healthz.status).toBe(200);
    expect(readyz.status).toBe(200);
    expect(workflows).toBe(0);
    expect(outcomes.delivered ?? 0).toBe(0);
    expect(outcomes.parked ?? 0).toBe(0);
    expect(outcomes.recorded_ended ?? 0).toBe(0);
    // Every category was tried on both vendors.
    for (const category of GARBAGE_CATEGORIES) {
      for (const vendor of ['honeybee', 'onegevity']) {
        expect([...table.keys()].some((key) => key.startsWith(`${category} ${vendor} `))).toBe(true);
      }
    }

    // The same bridge still takes an authentic webhook, and the checks above see its workflow.
    const rx = firstPrescriptionId(await stack.control.runScenario('happy-path', { refills: 0 }));
    await waitForPrescription(stack.client, rx, () => true);
    // Answering a query says the workflow runs, not that visibility lists it yet (written apart, a moment later), nor
    // that the bridge has counted the delivery (after Temporal answered it): wait for each.
    const counted = await pollUntil(
      'the workflow counted by visibility',
      () => stack.client.workflow.count(),
      (c) => c.count > 0,
      30_000,
    );
    expect(counted.count).toBeGreaterThan(0);
    const after = await pollUntil(
      'the delivery in the bridge metrics',
      () => webhookOutcomes(stack.bridgeUrl),
      (o) => (o.delivered ?? 0) > 0,
      30_000,
    );
    expect(after.delivered).toBeGreaterThan(0);
  });
});
