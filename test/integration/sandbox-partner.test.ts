// The sandbox as the partner's backend: the file-backed patient directory it fills with generated patients (present,
// absent, twice), the same data over POST /partner/patients/search (the lookup in the body, never in the URL), and the
// notification receiver that verifies Standard Webhooks signatures and records what the engine sent.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_DEV_CREDENTIALS } from '../../src/sandbox/dev-credentials.js';
import { startTestSandbox, type InProcessSandbox } from '../harness/sandbox.js';
import { call } from '../harness/vendor-http.js';
import { partnerPatients } from '../harness/wire-shapes.js';

const HAND_ENTRY = {
  partnerPatientId: 'P-HAND-1',
  ehrId: 'EHR-HAND-1',
  email: 'hand.entry@example.com',
  firstName: 'Hand',
  lastName: 'Entry',
  dob: '1970-01-01',
};

/** Standard Webhooks, computed here independently of the sandbox's own code. */
function standardSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

describe('sandbox partner backend', () => {
  let sandbox: InProcessSandbox;
  let directoryFile: string;

  beforeAll(async () => {
    directoryFile = join(mkdtempSync(join(tmpdir(), 'fulfill-directory-')), 'partner-directory.json');
    writeFileSync(directoryFile, JSON.stringify({ patients: [HAND_ENTRY] }));
    sandbox = await startTestSandbox({ PARTNER_DIRECTORY_FILE: directoryFile });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  const fileEntries = () =>
    partnerPatients.parse(JSON.parse(readFileSync(directoryFile, 'utf8'))).patients as (typeof HAND_ENTRY)[];

  const lookup = async (
    query: Record<string, string>,
    key: string = SANDBOX_DEV_CREDENTIALS.PARTNER_DIRECTORY_API_KEY,
    url = sandbox.url,
  ) =>
    call(`${url}/partner/patients/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(query),
    });

  const found = async (query: Record<string, string>) => {
    const answer = await lookup(query);
    expect(answer.status).toBe(200);
    return partnerPatients.parse(answer.body).patients.map((patient) => patient.partnerPatientId);
  };

  describe('patient directory', () => {
    it('happy path: one entry, found by ehr_id, email (any case) and name with dob', async () => {
      const { patient } = await sandbox.control.runScenario('happy-path');
      const [entry] = patient.directoryEntries;
      expect(patient.directory).toBe('present');
      expect(entry?.ehrId).toBe(patient.ehrId);
      expect(fileEntries()).toContainEqual(entry);
      expect(fileEntries()).toContainEqual(HAND_ENTRY);
      const { person } = patient;
      expect(await found({ ehr_id: patient.ehrId! })).toEqual([entry?.partnerPatientId]);
      expect(await found({ email: person.email!.toUpperCase() })).toEqual([entry?.partnerPatientId]);
      expect(await found({ first_name: person.firstName, last_name: person.lastName, dob: person.dob })).toEqual([
        entry?.partnerPatientId,
      ]);
      expect(await found({ ehr_id: 'EHR-HAND-1' })).toEqual(['P-HAND-1']);
    });

    it('patient-not-found: nothing matches by any key', async () => {
      const before = fileEntries().length;
      const { patient } = await sandbox.control.runScenario('patient-not-found');
      expect(patient).toMatchObject({ directory: 'absent', directoryEntries: [] });
      expect(patient.ehrId).toMatch(/^EHR-/);
      expect(fileEntries()).toHaveLength(before);
      const { person } = patient;
      expect(await found({ ehr_id: patient.ehrId! })).toEqual([]);
      expect(await found({ email: person.email! })).toEqual([]);
      expect(await found({ first_name: person.firstName, last_name: person.lastName, dob: person.dob })).toEqual([]);
    });

    it('ambiguous-patient: no ehr_id at Honeybee and two entries matching by email and by name with dob', async () => {
      const { patient } = await sandbox.control.runScenario('ambiguous-patient');
      expect(patient.directory).toBe('ambiguous');
      expect(patient.ehrId).toBeNull();
      const ids = patient.directoryEntries.map((entry) => entry.partnerPatientId);
      expect(new Set(ids).size).toBe(2);
      const { person } = patient;
      expect((await found({ email: person.email! })).sort()).toEqual([...ids].sort());
      expect(
        (await found({ first_name: person.firstName, last_name: person.lastName, dob: person.dob })).sort(),
      ).toEqual([...ids].sort());
      const patients = await sandbox.control.patients();
      expect(patients.patients.find((candidate) => candidate.id === patient.id)?.directory).toBe('ambiguous');
    });

    it('kit scenarios put their patient in the directory too', async () => {
      const { patient, patientInformation } = await sandbox.control.runScenario('kit-happy-path');
      expect(await found({ email: patientInformation!.email })).toEqual([patient.patientIdentifier]);
    });

    it('needs the directory key and a query it understands, in the body', async () => {
      expect((await lookup({ ehr_id: 'EHR-HAND-1' }, 'wrong-key')).status).toBe(401);
      const anonymous = await call(`${sandbox.url}/partner/patients/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ehr_id: 'EHR-HAND-1' }),
      });
      expect(anonymous.status).toBe(401);
      const vague = await lookup({ first_name: 'Hand' });
      expect(vague.status).toBe(400);
      expect(vague.body).toMatchObject({ error: { code: 'invalid_query' } });
      // Two lookups at once, or anything extra, is not a lookup.
      expect((await lookup({ ehr_id: 'EHR-HAND-1', email: 'hand.entry@example.com' })).status).toBe(400);
      // The old GET with the patient in the query string is gone: no route takes PHI in a URL.
      const inUrl = await call(`${sandbox.url}/partner/patients?email=hand.entry@example.com`, {
        headers: { authorization: `Bearer ${SANDBOX_DEV_CREDENTIALS.PARTNER_DIRECTORY_API_KEY}` },
      });
      expect(inUrl.status).toBe(404);
    });

    it('reports a directory file it cannot read instead of overwriting it', async () => {
      const brokenFile = join(mkdtempSync(join(tmpdir(), 'fulfill-directory-')), 'partner-directory.json');
      writeFileSync(brokenFile, '{"patients": [');
      const broken = await startTestSandbox({ PARTNER_DIRECTORY_FILE: brokenFile });
      try {
        await expect(broken.control.runScenario('happy-path')).rejects.toMatchObject({ status: 500 });
        expect(readFileSync(brokenFile, 'utf8')).toBe('{"patients": [');
        const answer = await lookup({ ehr_id: 'x' }, SANDBOX_DEV_CREDENTIALS.PARTNER_DIRECTORY_API_KEY, broken.url);
        expect(answer.status).toBe(500);
        expect(JSON.stringify(answer.body)).toContain('not valid JSON');
      } finally {
        await broken.close();
      }
    });
  });

  describe('notification receiver', () => {
    const secret: string = SANDBOX_DEV_CREDENTIALS.PARTNER_WEBHOOK_SECRETS;

    const post = (body: string, headers: Record<string, string>) =>
      call(`${sandbox.url}/partner/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });

    const signed = (id: string, body: string, timestamp = String(Math.floor(Date.now() / 1000)), key = secret) => ({
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': standardSignature(key, id, timestamp, body),
    });

    it('uses the documented dev secret (base64 of sandbox-partner-webhook-secret)', () => {
      expect(Buffer.from(secret.replace('whsec_', ''), 'base64').toString()).toBe('sandbox-partner-webhook-secret');
    });

    it('accepts and records a correctly signed notification, and flags a redelivery of the same id', async () => {
      const body = JSON.stringify({
        type: 'order.shipped',
        timestamp: new Date().toISOString(),
        data: { prescriptionId: '1234567', orderNumber: 'HBAAAA1111', status: 'Shipped', trackingNumber: '9400' },
      });
      const first = await post(body, signed('msg_1', body));
      expect(first.status).toBe(204);
      const again = await post(body, signed('msg_1', body));
      expect(again.status).toBe(204);
      const { notifications } = await sandbox.control.notifications('order.shipped');
      expect(notifications).toHaveLength(2);
      expect(notifications[0]).toMatchObject({
        webhookId: 'msg_1',
        verified: true,
        duplicate: false,
        type: 'order.shipped',
        data: { orderNumber: 'HBAAAA1111' },
      });
      expect(notifications[1]?.duplicate).toBe(true);
    });

    it('refuses (401) a wrong signature, a stale timestamp and missing headers, and records why', async () => {
      const body = JSON.stringify({ type: 'order.created', timestamp: new Date().toISOString(), data: {} });
      const wrongKey = `whsec_${Buffer.from('another-secret').toString('base64')}`;
      expect((await post(body, signed('msg_2', body, undefined, wrongKey))).status).toBe(401);
      const stale = String(Math.floor(Date.now() / 1000) - 3600);
      expect((await post(body, signed('msg_3', body, stale))).status).toBe(401);
      expect((await post(body, {})).status).toBe(401);
      const tampered = await post(body.replace('order.created', 'order.canceled'), signed('msg_4', body));
      expect(tampered.status).toBe(401);
      const unparsable = 'not json';
      expect((await post(unparsable, signed('msg_5', unparsable))).status).toBe(400);
      const shapeless = JSON.stringify({ hello: 'world' });
      expect((await post(shapeless, signed('msg_6', shapeless))).status).toBe(400);

      const { notifications } = await sandbox.control.notifications();
      const reasons = Object.fromEntries(
        notifications.filter((n) => n.rejection).map((n) => [n.webhookId ?? 'none', n.rejection]),
      );
      expect(reasons).toEqual({
        msg_2: 'mismatch',
        msg_3: 'stale_timestamp',
        none: 'missing_headers',
        msg_4: 'mismatch',
        msg_5: 'malformed_json',
        msg_6: 'invalid_notification',
      });
      const counters = await sandbox.control.counters();
      expect(counters.partner).toMatchObject({ accepted: 2, rejected: 6, duplicates: 1 });
    });
  });
});
