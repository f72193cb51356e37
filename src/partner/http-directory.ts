// The partner's patient directory over HTTP (docs/WIRE-CONTRACT.md, "Partner backend"): GET {url}/patients?… with a
// bearer key, answering {"patients": [...]}. Failures are PartnerUnavailable (retryable) unless the partner refuses us.
import got, { HTTPError, RequestError } from 'got';
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

function searchParams(query: DirectoryQuery): Record<string, string> {
  switch (query.by) {
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
      'patients',
      this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`,
    );
    let body: unknown;
    try {
      // The span names the endpoint only: the query holds names and dates of birth.
      body = await traceHttpCall(
        { peer: 'partner', operation: 'GET patients', method: 'GET', url: this.options.baseUrl },
        async (traceHeaders): Promise<unknown> =>
          got(url, {
            searchParams: searchParams(query),
            headers: {
              accept: 'application/json',
              ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
              ...traceHeaders,
            },
            timeout: { request: this.options.timeoutMs },
            retry: { limit: 0 },
          }).json(),
        // got answers only a 2xx here: anything else is thrown.
        () => 200,
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
    const parsed = partnerDirectoryResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new PartnerDirectoryError('partner directory answered an unexpected body', FailureType.PartnerUnavailable);
    }
    return parsed.data.patients;
  }
}
