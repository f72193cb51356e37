// The partner's backend as the engine sees it (docs/WIRE-CONTRACT.md, "Partner backend"): the patient directory at
// POST /partner/patients/search (bearer PARTNER_DIRECTORY_API_KEY; the patient's details travel in the JSON body,
// never in the URL, which proxies and access logs keep) and the notification receiver at POST /partner/notifications.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { constantTimeEqual } from '../../vendors/shared/constant-time.js';
import type { SandboxCore } from '../core.js';
import { header, jsonBody, rawBody } from '../http.js';
import { DirectoryFileError, type DirectoryQuery } from './directory.js';

const searchBody = z.union([
  z.strictObject({ partner_patient_id: z.string().min(1) }),
  z.strictObject({ ehr_id: z.string().min(1) }),
  z.strictObject({ email: z.string().min(1) }),
  z.strictObject({ first_name: z.string().min(1), last_name: z.string().min(1), dob: z.string().min(1) }),
]);

function partnerError(code: string, message: string) {
  return { error: { code, message } };
}

export function registerPartnerRoutes(app: FastifyInstance, core: SandboxCore): void {
  app.post('/partner/patients/search', { config: { endpoint: 'partner.findPatients' } }, async (request, reply) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(request, 'authorization') ?? '')?.[1];
    const expected = core.config.PARTNER_DIRECTORY_API_KEY;
    if (!bearer || !expected || !constantTimeEqual(expected, bearer)) {
      return reply.code(401).send(partnerError('unauthorized', 'the bearer key PARTNER_DIRECTORY_API_KEY is required'));
    }
    const body = jsonBody(request);
    const parsed = body.ok ? searchBody.safeParse(body.value) : undefined;
    if (!parsed?.success) {
      return reply
        .code(400)
        .send(
          partnerError(
            'invalid_query',
            'POST a JSON body with partner_patient_id, ehr_id, email, or first_name with last_name and dob (and nothing else)',
          ),
        );
    }
    const search = parsed.data;
    const query: DirectoryQuery =
      'partner_patient_id' in search
        ? { partnerPatientId: search.partner_patient_id }
        : 'ehr_id' in search
          ? { ehrId: search.ehr_id }
          : 'email' in search
            ? { email: search.email }
            : { firstName: search.first_name, lastName: search.last_name, dob: search.dob };
    try {
      return reply.code(200).send({ patients: core.directory.find(query) });
    } catch (error) {
      if (error instanceof DirectoryFileError)
        return reply.code(500).send(partnerError('directory_unreadable', error.message));
      throw error;
    }
  });

  app.post('/partner/notifications', { config: { endpoint: 'partner.notifications' } }, async (request, reply) => {
    const id = header(request, 'webhook-id');
    const timestamp = header(request, 'webhook-timestamp');
    const signature = header(request, 'webhook-signature');
    const answer = core.inbox.receive(
      { ...(id ? { id } : {}), ...(timestamp ? { timestamp } : {}), ...(signature ? { signature } : {}) },
      rawBody(request),
    );
    reply.code(answer.status);
    return answer.body === undefined ? reply.send() : reply.send(answer.body);
  });
}
