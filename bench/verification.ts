// Verification cost: µs per Honeybee and Onegevity webhook verification, against the bare HMAC over the same bytes
// (the irreducible cryptographic cost) measured in the same run. Usage: npm run bench:verification -- --iterations=20000
import { createHash, createHmac } from 'node:crypto';
import {
  verifyHoneybeeSignature,
  signHoneybeeWebhook,
  authenticateHoneybeeWebhook,
} from '../src/vendors/honeybee/webhook-auth.js';
import { signOnegevityWebhook, verifyOnegevitySignature } from '../src/vendors/onegevity/webhook-auth.js';
import { formatNumber, intArg, machineLine, printTable } from './lib/stats.js';

const iterations = intArg('iterations', 20_000);
const clientSecret = 'bench-client-secret';
const webhookSecret = 'bench-webhook-secret';
const url = 'https://partner.example.com/webhooks/honeybee';

function body(bytes: number): Buffer {
  const event = {
    event_id: '0b6f5a3e-8c1d-4b8e-9a55-2f0c2b7d9e11',
    event_type: 'RX_UPDATED',
    patient_id: 4242,
    order_number: 'HB7K2M9Q',
    medication_requests: [] as unknown[],
  };
  while (JSON.stringify(event).length < bytes) {
    event.medication_requests.push({
      id: 1111111,
      prescription_id: 1111111,
      drug_name: "Atorvastatin 20 mg (generic) — it's fine!",
      written_qty: 1.0,
    });
  }
  return Buffer.from(JSON.stringify(event));
}

/** Mean µs per call over `iterations`, after a warm-up. */
function measure(fn: () => unknown): number {
  for (let i = 0; i < Math.min(2000, iterations); i += 1) fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) fn();
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

const rows: string[][] = [];
const ratios: string[] = [];
for (const size of [1024, 16 * 1024]) {
  const payload = body(size);
  const honeybeeHeader = signHoneybeeWebhook(clientSecret, { method: 'POST', url, body: payload });
  const onegevityHeader = signOnegevityWebhook(webhookSecret, payload);
  const key = createHash('sha256').update(clientSecret).digest('hex');

  const bareSha1 = measure(() => createHmac('sha1', key).update(payload).digest());
  const honeybee = measure(() =>
    verifyHoneybeeSignature([clientSecret], { method: 'POST', url, body: payload }, honeybeeHeader),
  );
  const honeybeeBoth = measure(() =>
    authenticateHoneybeeWebhook(
      { mode: 'both', clientSecrets: [clientSecret], webhookSecrets: [webhookSecret], url },
      { method: 'POST', body: payload, signature: honeybeeHeader, secret: 'x' },
    ),
  );
  const bareSha256 = measure(() => createHmac('sha256', webhookSecret).update(payload).digest());
  const onegevity = measure(() => verifyOnegevitySignature([webhookSecret], payload, onegevityHeader));

  const label = `${size / 1024} KiB`;
  rows.push(
    [`bare HMAC-SHA1 (baseline)`, label, formatNumber(bareSha1, 2), '1.00'],
    ['Honeybee X-Honeybee-Signature', label, formatNumber(honeybee, 2), formatNumber(honeybee / bareSha1, 2)],
    ['Honeybee signature + secret', label, formatNumber(honeybeeBoth, 2), formatNumber(honeybeeBoth / bareSha1, 2)],
    ['bare HMAC-SHA256 (baseline)', label, formatNumber(bareSha256, 2), '1.00'],
    ['Onegevity X-Onegevity-Signature', label, formatNumber(onegevity, 2), formatNumber(onegevity / bareSha256, 2)],
  );
  ratios.push(
    `${label}: Honeybee ${formatNumber(honeybee / bareSha1, 2)}× bare HMAC, Onegevity ${formatNumber(onegevity / bareSha256, 2)}× bare HMAC`,
  );
}

process.stdout.write(`# Webhook verification cost (${iterations} iterations each; ${machineLine()})\n\n`);
printTable(['operation', 'body', 'µs per call', 'ratio to baseline'], rows);
process.stdout.write(`\nratio: ${ratios.join('; ')}\n`);
