// The partner's patient directory over HTTP (docs/WIRE-CONTRACT.md, "Partner backend"): POST {url}/patients/search
// with the lookup in a JSON body (names, emails and birth dates never go into a URL, which proxies and access logs
// keep) and a bearer key, answering {"patients": [...]}. Failures are PartnerUnavailable (retryable) unless the partner
// refuses us; a redirect is a failure too (a POST body must not follow one somewhere else).
import got, { HTTPError, RequestError, type Response } from 'got';
import { FailureType } from '../domain/failure-types.js';
import { traceHttpCall } from '../observability/http-tracing.js';
import {
  partnerDirectoryResponseSchema,
  type DirectoryQuery,
  type PartnerPatient,
  type PartnerPatientDirectory,
} from './patient-directory.js';

export class PartnerDirectoryError extends Error {
  override name = 'PartnerDirectoryError';
  constructor(
    message: string,
    readonly failureType: FailureType,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function searchBody(query: DirectoryQuery): Record<string, string> {
  switch (query.by) {
    case 'partnerPatientId':
      return { partner_patient_id: query.partnerPatientId };
    case 'ehrId':
      return { ehr_id: query.ehrId };
    case 'email':
      return { email: query.email };
    case 'nameAndDob':
      return { first_name: query.firstName, last_name: query.lastName, dob: query.dob };
  }
}

export interface HttpPatientDirectoryOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
}

export class HttpPatientDirectory implements PartnerPatientDirectory {
  constructor(private readonly options: HttpPatientDirectoryOptions) {}

  async find(query: DirectoryQuery): Promise<PartnerPatient[]> {
    const url = new URL(
      'patients/search',
      this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`,
    );
    let response: Response<string>;
    try {
      // The span names the endpoint only (the body holds names and dates of birth).
      response = await traceHttpCall(
        { peer: 'partner', operation: 'POST patients/search', method: 'POST', url: this.options.baseUrl },
        async (traceHeaders) =>
          got.post(url, {
            json: searchBody(query),
            followRedirect: false,
            headers: {
              accept: 'application/json',
              ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
              ...traceHeaders,
            },
            timeout: { request: this.options.timeoutMs },
            retry: { limit: 0 },
          }),
        (answer) => answer.statusCode,
      );
    } catch (error) {
      if (error instanceof HTTPError) {
        const status = error.response.statusCode;
        const retryable = status === 429 || status >= 500;
        throw new PartnerDirectoryError(
          `partner directory answered ${status} for a ${query.by} lookup`,
          retryable ? FailureType.PartnerUnavailable : FailureType.InvalidInput,
          status,
        );
      }
      const reason = error instanceof RequestError ? error.code : 'unknown error';
      throw new PartnerDirectoryError(`partner directory unreachable (${reason})`, FailureType.PartnerUnavailable);
    }
    if (response.statusCode >= 300) {
      throw new PartnerDirectoryError(
        `partner directory answered a redirect (${response.statusCode}), which is not followed: ` +
          'set PARTNER_DIRECTORY_URL to the final https address',
        FailureType.PartnerUnavailable,
        response.statusCode,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    const parsed = partnerDirectoryResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new PartnerDirectoryError('partner directory answered an unexpected body', FailureType.PartnerUnavailable);
    }
    return parsed.data.patients;
  }
}
