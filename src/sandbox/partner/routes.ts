// The partner's backend as the engine sees it (docs/WIRE-CONTRACT.md, "Partner backend"): the patient directory at
// GET /partner/patients (bearer PARTNER_API_KEYS) and the notification receiver at POST /partner/notifications.
import type { FastifyInstance } from 'fastify';
import { constantTimeIncludes } from '../../vendors/shared/constant-time.js';
import type { SandboxCore } from '../core.js';
import { header, rawBody } from '../http.js';
import { DirectoryFileError, type DirectoryQuery } from './directory.js';

function partnerError(code: string, message: string) {
  return { error: { code, message } };
}

export function registerPartnerRoutes(app: FastifyInstance, core: SandboxCore): void {
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/partner/patients',
    { config: { endpoint: 'partner.findPatients' } },
    async (request, reply) => {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(request, 'authorization') ?? '')?.[1];
      if (!bearer || !constantTimeIncludes(core.config.PARTNER_API_KEYS, bearer)) {
        return reply.code(401).send(partnerError('unauthorized', 'a bearer key from PARTNER_API_KEYS is required'));
      }
      const {
        partner_patient_id: partnerPatientId,
        ehr_id: ehrId,
        email,
        first_name: firstName,
        last_name: lastName,
        dob,
      } = request.query;
      let query: DirectoryQuery;
      if (partnerPatientId) query = { partnerPatientId };
      else if (ehrId) query = { ehrId };
      else if (email) query = { email };
      else if (firstName && lastName && dob) query = { firstName, lastName, dob };
      else {
        return reply
          .code(400)
          .send(
            partnerError(
              'invalid_query',
              'give partner_patient_id, ehr_id, email, or first_name with last_name and dob',
            ),
          );
      }
      try {
        return reply.code(200).send({ patients: core.directory.find(query) });
      } catch (error) {
        if (error instanceof DirectoryFileError)
          return reply.code(500).send(partnerError('directory_unreadable', error.message));
        throw error;
      }
    },
  );

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
