import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../src/domain/failure-types.js';
import { FilePatientDirectory } from '../../src/partner/file-directory.js';
import { HttpPatientDirectory, PartnerDirectoryError } from '../../src/partner/http-directory.js';
import { HttpPartnerNotifier, PartnerNotificationError } from '../../src/partner/notifier.js';
import {
  matchPartnerPatient,
  type DirectoryQuery,
  type PartnerPatient,
  type PartnerPatientDirectory,
} from '../../src/partner/patient-directory.js';
import { readPatientSafety } from '../../src/partner/patient-safety.js';
import { signStandardWebhook, verifyStandardWebhook } from '../../src/partner/standard-webhooks.js';

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

type Handler = (request: IncomingMessage, body: string) => { status: number; body?: string };

async function serve(handler: Handler) {
  const requests: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ url: request.url ?? '', headers: request.headers, body });
      const answer = handler(request, body);
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body ?? '');
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
  it('queries the partner with the bearer key and the lookup parameters', async () => {
    const partner = await serve(() => ({ status: 200, body: JSON.stringify({ patients: [alice] }) }));
    const directory = new HttpPatientDirectory({ baseUrl: `${partner.url}/v1`, apiKey: 'k1', timeoutMs: 2000 });
    expect(
      await directory.find({ by: 'nameAndDob', firstName: 'Alice', lastName: 'Example', dob: '1980-01-31' }),
    ).toEqual([alice]);
    expect(partner.requests[0]!.url).toBe('/v1/patients?first_name=Alice&last_name=Example&dob=1980-01-31');
    expect(partner.requests[0]!.headers.authorization).toBe('Bearer k1');
    await directory.find({ by: 'partnerPatientId', partnerPatientId: 'P-1' });
    expect(partner.requests[1]!.url).toBe('/v1/patients?partner_patient_id=P-1');
  });

  it('classifies failures: 503 retryable, 403 not, garbage retryable', async () => {
    for (const [status, body, type] of [
      [503, '', FailureType.PartnerUnavailable],
      [403, '', FailureType.InvalidInput],
      [200, '{"nope": 1}', FailureType.PartnerUnavailable],
    ] as const) {
      const partner = await serve(() => ({ status, body }));
      const directory = new HttpPatientDirectory({ baseUrl: partner.url, timeoutMs: 2000 });
      const error = await directory.find({ by: 'ehrId', ehrId: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PartnerDirectoryError);
      expect((error as PartnerDirectoryError).failureType).toBe(type);
    }
  });
});

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

  it('verifies, and refuses a changed body, a stale timestamp or another secret', () => {
    const secret = 'whsec_c2VjcmV0LWJ5dGVz';
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1000',
      'webhook-signature': `v1,bogus ${signStandardWebhook(secret, 'msg_1', 1000, '{}')}`,
    };
    expect(verifyStandardWebhook(secret, headers, '{}', { nowSeconds: 1010 })).toBe(true);
    expect(verifyStandardWebhook(secret, headers, '{"a":1}', { nowSeconds: 1010 })).toBe(false);
    expect(verifyStandardWebhook(secret, headers, '{}', { nowSeconds: 5000 })).toBe(false);
    expect(verifyStandardWebhook('whsec_b3RoZXI=', headers, '{}', { nowSeconds: 1010 })).toBe(false);
  });

  it('posts a signed notification the partner can verify, with the idempotency id', async () => {
    const secret = 'whsec_c2VjcmV0LWJ5dGVz';
    const partner = await serve(() => ({ status: 204 }));
    const notifier = new HttpPartnerNotifier({ url: partner.url, secret, timeoutMs: 2000, nowSeconds: () => 1234 });
    const result = await notifier.notify({
      id: 'honeybee-order-HB1:shipped',
      type: 'order.shipped',
      occurredAt: '2026-11-22T00:00:00.000Z',
      data: { orderNumber: 'HB1', trackingNumber: '1Z' },
    });
    expect(result).toEqual({ delivered: true, status: 204 });
    const received = partner.requests[0]!;
    expect(received.headers['webhook-id']).toBe('honeybee-order-HB1:shipped');
    expect(
      verifyStandardWebhook(secret, received.headers as Record<string, string>, received.body, { nowSeconds: 1234 }),
    ).toBe(true);
    expect(JSON.parse(received.body)).toEqual({
      type: 'order.shipped',
      timestamp: '2026-11-22T00:00:00.000Z',
      data: { orderNumber: 'HB1', trackingNumber: '1Z' },
    });
  });

  it('classifies partner failures for retry', async () => {
    const partner = await serve(() => ({ status: 502 }));
    const notifier = new HttpPartnerNotifier({ url: partner.url, secret: 'whsec_eA==', timeoutMs: 2000 });
    const error = await notifier
      .notify({ id: 'x', type: 't', occurredAt: '', data: {} })
      .catch((e: unknown) => e as PartnerNotificationError);
    expect(error).toBeInstanceOf(PartnerNotificationError);
    expect((error as PartnerNotificationError).failureType).toBe(FailureType.PartnerUnavailable);
  });
});
