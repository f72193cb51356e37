import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../src/domain/failure-types.js';
import { FilePatientDirectory } from '../../src/partner/file-directory.js';
import { HttpPatientDirectory, PartnerDirectoryError } from '../../src/partner/http-directory.js';
import { ApplicationFailure } from '@temporalio/common';
import { toPartnerFailure } from '../../activities/partner.js';
import { HttpPartnerNotifier, PartnerNotificationError } from '../../src/partner/notifier.js';
import {
  matchPartnerPatient,
  type DirectoryQuery,
  type PartnerPatient,
  type PartnerPatientDirectory,
} from '../../src/partner/patient-directory.js';
import { Webhook } from 'standardwebhooks';
import { readPatientSafety } from '../../src/partner/patient-safety.js';
import { signStandardWebhook, webhookIdHeader } from '../../src/partner/standard-webhooks.js';

const alice: PartnerPatient = {
  partnerPatientId: 'P-1',
  ehrId: 'EHR-1',
  email: 'alice@example.test',
  firstName: 'Alice',
  lastName: 'Example',
  dob: '1980-01-31',
};

function inMemory(patients: PartnerPatient[], log: DirectoryQuery['by'][] = []): PartnerPatientDirectory {
  return {
    find: async (query) => {
      log.push(query.by);
      return patients.filter((p) =>
        query.by === 'partnerPatientId'
          ? p.partnerPatientId === query.partnerPatientId
          : query.by === 'ehrId'
            ? p.ehrId === query.ehrId
            : query.by === 'email'
              ? p.email === query.email
              : p.lastName === query.lastName && p.dob === query.dob,
      );
    },
  };
}

describe('patient matching', () => {
  it('matches by EHR id first and stops there', async () => {
    const tried: DirectoryQuery['by'][] = [];
    const match = await matchPartnerPatient(inMemory([alice], tried), { ehrId: 'EHR-1', email: 'alice@example.test' });
    expect(match).toEqual({ outcome: 'matched', partnerPatientId: 'P-1', matchedBy: 'ehrId' });
    expect(tried).toEqual(['ehrId']);
  });

  it('falls back to email (normalised), then name and date of birth', async () => {
    expect(await matchPartnerPatient(inMemory([alice]), { ehrId: 'EHR-X', email: ' Alice@Example.TEST ' })).toEqual({
      outcome: 'matched',
      partnerPatientId: 'P-1',
      matchedBy: 'email',
    });
    expect(
      await matchPartnerPatient(inMemory([alice]), { firstName: 'Alice', lastName: 'Example', dob: '1980-01-31' }),
    ).toMatchObject({ outcome: 'matched', matchedBy: 'nameAndDob' });
  });

  it('never guesses: several candidates are ambiguous, none is not found', async () => {
    const twin = { ...alice, partnerPatientId: 'P-2' };
    expect(await matchPartnerPatient(inMemory([alice, twin]), { email: 'alice@example.test' })).toEqual({
      outcome: 'ambiguous',
      matchedBy: 'email',
      candidates: 2,
    });
    expect(await matchPartnerPatient(inMemory([alice]), { email: 'bob@example.test' })).toEqual({
      outcome: 'not_found',
      tried: ['email'],
    });
  });
});

describe('file directory', () => {
  it('finds by each key, reads changes at once, and treats a missing file as empty', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dir-')), 'partner-directory.json');
    const directory = new FilePatientDirectory(file);
    expect(await directory.find({ by: 'ehrId', ehrId: 'EHR-1' })).toEqual([]);
    writeFileSync(file, JSON.stringify({ patients: [alice] }));
    expect(await directory.find({ by: 'ehrId', ehrId: 'EHR-1' })).toHaveLength(1);
    expect(await directory.find({ by: 'email', email: 'alice@example.test' })).toHaveLength(1);
    expect(
      await directory.find({ by: 'nameAndDob', firstName: 'ALICE', lastName: 'example', dob: '1980-01-31' }),
    ).toHaveLength(1);
    expect(
      await directory.find({ by: 'nameAndDob', firstName: 'Alice', lastName: 'Example', dob: '1980-01-30' }),
    ).toEqual([]);
    expect(await directory.find({ by: 'partnerPatientId', partnerPatientId: 'P-1' })).toEqual([alice]);
    expect(await directory.find({ by: 'partnerPatientId', partnerPatientId: 'P-2' })).toEqual([]);
    writeFileSync(file, '{"people": []}');
    await expect(directory.find({ by: 'ehrId', ehrId: 'EHR-1' })).rejects.toThrow(/partnerPatientId/);
  });

  it("keeps a patient's intake as written, and a malformed intake never fails the lookup", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dir-')), 'partner-directory.json');
    const intake = { medications: [], healthConditions: ['asthma'], allergies: [{ name: 'penicillin' }] };
    const bob = { ...alice, partnerPatientId: 'P-2', ehrId: 'EHR-2', patientSafety: 'allergic to bees' };
    writeFileSync(file, JSON.stringify({ patients: [{ ...alice, patientSafety: intake }, bob] }));
    const directory = new FilePatientDirectory(file);
    const [found] = await directory.find({ by: 'ehrId', ehrId: 'EHR-1' });
    expect(readPatientSafety(found?.patientSafety)).toEqual({ supplied: true, safety: intake });
    const [malformed] = await directory.find({ by: 'ehrId', ehrId: 'EHR-2' });
    expect(readPatientSafety(malformed?.patientSafety)).toEqual({
      supplied: false,
      missing: ['patientSafety'],
      problems: ['patientSafety is not an object'],
    });
  });
});

describe('patient-safety intake', () => {
  it('tells "none known" (empty lists) from "not supplied" (missing lists), list by list', () => {
    expect(readPatientSafety({ medications: [], healthConditions: [], allergies: [] })).toEqual({
      supplied: true,
      safety: { medications: [], healthConditions: [], allergies: [] },
    });
    expect(readPatientSafety(undefined)).toMatchObject({ supplied: false, missing: expect.any(Array) as unknown });
    expect(readPatientSafety({ medications: [], healthConditions: null, allergies: [''] })).toEqual({
      supplied: false,
      missing: ['patientSafety.healthConditions', 'patientSafety.allergies'],
      problems: ['patientSafety.allergies is not a list of names or objects'],
    });
    expect(readPatientSafety({ medications: [], healthConditions: [], allergies: [7] })).toMatchObject({
      supplied: false,
      missing: ['patientSafety.allergies'],
    });
  });
});

type Handler = (
  request: IncomingMessage,
  body: string,
) => { status: number; body?: string; headers?: Record<string, string> };

async function serve(handler: Handler) {
  const requests: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ url: request.url ?? '', headers: request.headers, body });
      const answer = handler(request, body);
      response
        .writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
        .end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  servers.push(server);
  return { url: `http://127.0.0.1:${port}`, requests };
}

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('HTTP directory', () => {
  it('POSTs the lookup as a JSON body with the bearer key: no name, email or birth date in the URL', async () => {
    const partner = await serve(() => ({ status: 200, body: JSON.stringify({ patients: [alice] }) }));
    const directory = new HttpPatientDirectory({ baseUrl: `${partner.url}/v1`, apiKey: 'k1', timeoutMs: 2000 });
    expect(
      await directory.find({ by: 'nameAndDob', firstName: 'Alice', lastName: 'Example', dob: '1980-01-31' }),
    ).toEqual([alice]);
    expect(await directory.find({ by: 'email', email: 'alice@example.test' })).toEqual([alice]);
    await directory.find({ by: 'partnerPatientId', partnerPatientId: 'P-1' });
    const [byName, byEmail, byPartnerId] = partner.requests;
    expect(byName!.url).toBe('/v1/patients/search');
    expect(byName!.headers.authorization).toBe('Bearer k1');
    expect(byName!.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(byName!.body)).toEqual({ first_name: 'Alice', last_name: 'Example', dob: '1980-01-31' });
    expect(byEmail!.url).toBe('/v1/patients/search');
    expect(JSON.parse(byEmail!.body)).toEqual({ email: 'alice@example.test' });
    expect(byPartnerId!.url).toBe('/v1/patients/search');
    expect(JSON.parse(byPartnerId!.body)).toEqual({ partner_patient_id: 'P-1' });
  });

  it('classifies failures: 503 retryable, 403 not, garbage retryable, a redirect retryable and never followed', async () => {
    for (const [status, body, type] of [
      [503, '', FailureType.PartnerUnavailable],
      [403, '', FailureType.InvalidInput],
      [200, '{"nope": 1}', FailureType.PartnerUnavailable],
      [307, '', FailureType.PartnerUnavailable],
    ] as const) {
      const partner = await serve(() => ({ status, body }));
      const directory = new HttpPatientDirectory({ baseUrl: partner.url, timeoutMs: 2000 });
      const error = await directory.find({ by: 'ehrId', ehrId: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PartnerDirectoryError);
      expect((error as PartnerDirectoryError).failureType).toBe(type);
    }
  });
});

// 32-byte and 24-byte keys, as PARTNER_WEBHOOK_SECRETS requires; the `standardwebhooks` package verifies independently.
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const NEXT_SECRET = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
const SHIPPED = {
  id: 'honeybee-order-HB1:shipped',
  type: 'order.shipped',
  occurredAt: '2026-11-22T00:00:00.000Z',
  data: { orderNumber: 'HB1', trackingNumber: '1Z' },
};

function notifier(url: string, secrets: readonly string[] = [SECRET], requireHttps = false) {
  return new HttpPartnerNotifier({ url, secrets, timeoutMs: 2000, requireHttps });
}

async function failureOf(promise: Promise<unknown>): Promise<PartnerNotificationError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PartnerNotificationError);
  return error as PartnerNotificationError;
}

describe('Standard Webhooks notifications', () => {
  it('signs the published test vector', () => {
    // From the Standard Webhooks specification's reference tests.
    expect(
      signStandardWebhook(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('posts a notification the standardwebhooks package verifies, with the idempotency id', async () => {
    const partner = await serve(() => ({ status: 204 }));
    expect(await notifier(partner.url).notify(SHIPPED)).toEqual({ delivered: true, status: 204 });
    const received = partner.requests[0]!;
    expect(received.headers['webhook-id']).toBe('honeybee-order-HB1:shipped');
    expect(new Webhook(SECRET).verify(received.body, received.headers as Record<string, string>)).toEqual({
      type: 'order.shipped',
      timestamp: '2026-11-22T00:00:00.000Z',
      data: { orderNumber: 'HB1', trackingNumber: '1Z' },
    });
    // The check can fail: another secret does not verify it.
    expect(() => new Webhook(NEXT_SECRET).verify(received.body, received.headers as Record<string, string>)).toThrow();
  });

  it('carries an id no header may hold percent-encoded, signed as sent, and never the same as another id', async () => {
    // An order number with a newline or non-ASCII letters once made every attempt fail before it left (ERR_INVALID_CHAR).
    const partner = await serve(() => ({ status: 204 }));
    const odd = { ...SHIPPED, id: 'honeybee-order-Ünï😀\nB%:shipped' };
    expect(await notifier(partner.url).notify(odd)).toEqual({ delivered: true, status: 204 });
    const received = partner.requests[0]!;
    expect(received.headers['webhook-id']).toBe('honeybee-order-%C3%9Cn%C3%AF%F0%9F%98%80%0AB%25:shipped');
    expect(new Webhook(SECRET).verify(received.body, received.headers as Record<string, string>)).toMatchObject({
      type: 'order.shipped',
    });
    expect(webhookIdHeader('a%25b')).not.toBe(webhookIdHeader('a%b'));
    expect(webhookIdHeader('x\ud800')).toBe('x%uD800');
    expect(webhookIdHeader(SHIPPED.id)).toBe(SHIPPED.id);
  });

  it('during a rotation signs with every secret, space-separated, so a receiver holding either verifies', async () => {
    const partner = await serve(() => ({ status: 200 }));
    await notifier(partner.url, [NEXT_SECRET, SECRET]).notify(SHIPPED);
    const received = partner.requests[0]!;
    const signatures = String(received.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures.every((signature) => signature.startsWith('v1,'))).toBe(true);
    for (const secret of [SECRET, NEXT_SECRET]) {
      expect(new Webhook(secret).verify(received.body, received.headers as Record<string, string>)).toMatchObject({
        type: 'order.shipped',
      });
    }
    const other = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    expect(() => new Webhook(other).verify(received.body, received.headers as Record<string, string>)).toThrow();
  });

  it('treats any answer but a 2xx as a failure to retry, a redirect included, and never follows it', async () => {
    const elsewhere = await serve(() => ({ status: 204 }));
    for (const status of [301, 302, 307, 308]) {
      const partner = await serve(() => ({ status, headers: { location: `${elsewhere.url}/hook` } }));
      const error = await failureOf(notifier(partner.url).notify(SHIPPED));
      expect(error.failureType).toBe(FailureType.PartnerUnavailable);
      expect(error.status).toBe(status);
      expect(error.message).toMatch(/redirect/);
    }
    expect(elsewhere.requests).toHaveLength(0);
    for (const status of [400, 401, 404, 410, 500, 502]) {
      const partner = await serve(() => ({ status }));
      const error = await failureOf(notifier(partner.url).notify(SHIPPED));
      expect(error.failureType).toBe(FailureType.PartnerUnavailable);
    }
  });

  it("honours the partner's Retry-After, in seconds or as an HTTP date", async () => {
    const seconds = await serve(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    expect((await failureOf(notifier(seconds.url).notify(SHIPPED))).retryAfterMs).toBe(120_000);
    const later = new Date(Date.now() + 600_000).toUTCString();
    const date = await serve(() => ({ status: 503, headers: { 'retry-after': later } }));
    const retryAfter = (await failureOf(notifier(date.url).notify(SHIPPED))).retryAfterMs!;
    expect(retryAfter).toBeGreaterThan(590_000);
    expect(retryAfter).toBeLessThanOrEqual(600_000);
    const none = await serve(() => ({ status: 503 }));
    expect((await failureOf(notifier(none.url).notify(SHIPPED))).retryAfterMs).toBeUndefined();
  });

  it("turns the Retry-After into the activity failure's nextRetryDelay, as for the vendors", async () => {
    const partner = await serve(() => ({ status: 429, headers: { 'retry-after': '90' } }));
    const failure = toPartnerFailure(await failureOf(notifier(partner.url).notify(SHIPPED)));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe(FailureType.PartnerUnavailable);
    expect((failure as ApplicationFailure).nonRetryable).toBe(false);
    expect((failure as ApplicationFailure).nextRetryDelay).toBe(90_000);
  });

  it('refuses a plain-http URL outside development', () => {
    expect(() => notifier('http://partner.example/hooks', [SECRET], true)).toThrow(/https/);
    expect(() => notifier('https://partner.example/hooks', [SECRET], true)).not.toThrow();
  });
});
