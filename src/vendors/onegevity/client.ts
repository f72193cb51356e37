// The Onegevity API client (docs/VENDOR-FACTS.md, docs/WIRE-CONTRACT.md). REST under `{root}/api/v1`, token at
// `{root}/oauth/token` (client credentials with scopes). Every method returns the parsed body with the vendor's
// X-Request-Id, or throws a classified VendorError; none retries (Temporal retries activities). Identifiers are the
// partner's own, so a create that failed ambiguously is retried safely: a 409 means it already exists.
import type { z } from 'zod';
import { ConfigError, type EngineConfig } from '../../config/env.js';
import { checkRequest, pathId } from '../shared/request-input.js';
import { createTokenProvider, type TokenAuthMethod, type TokenProvider } from '../shared/token-provider.js';
import { createVendorHttp, type VendorDocument, type VendorHttp, type VendorResult } from '../shared/vendor-http.js';
import { readOnegevityErrorBody } from './error-body.js';
import {
  onegevityCreateFulfillmentRequestSchema,
  onegevityCreateOrderRequestSchema,
  onegevityFulfillmentRequestResponseSchema,
  onegevityKitActivationsSchema,
  onegevityOrderResponseSchema,
  onegevityReportPageSchema,
  type OnegevityCreateFulfillmentRequest,
  type OnegevityCreateOrderRequest,
  type OnegevityFulfillmentRequest,
  type OnegevityKitActivation,
  type OnegevityOrder,
  type OnegevityReportPage,
} from './schemas.js';

/**
 * ASSUMED (VENDOR-FACTS.md): one released report's document, `GET …/orders/{o}/reports/{reportIdentifier}`, answered
 * as a PDF.
 */
export const ONEGEVITY_REPORT_DOCUMENT_TYPE = 'application/pdf';

/** ASSUMED (VENDOR-FACTS.md): the fulfillment-request paths under /api/v1. */
export const ONEGEVITY_FULFILLMENT_REQUESTS_PATH = '/fulfillment-requests';

export interface OnegevityClient {
  createPatientOrder(
    patientIdentifier: string,
    request: OnegevityCreateOrderRequest,
  ): Promise<VendorResult<OnegevityOrder>>;
  /** One order; revalidated with If-None-Match when the vendor sends an ETag. */
  getPatientOrder(patientIdentifier: string, orderIdentifier: string): Promise<VendorResult<OnegevityOrder>>;
  /** PATCH the order with kit activations. */
  activateKits(
    patientIdentifier: string,
    orderIdentifier: string,
    activations: readonly OnegevityKitActivation[],
  ): Promise<VendorResult<OnegevityOrder>>;
  /** Reports once released (an empty page before). */
  listReports(
    patientIdentifier: string,
    orderIdentifier: string,
    page?: { pageNumber?: number; pageSize?: number },
  ): Promise<VendorResult<OnegevityReportPage>>;
  /** One released report's document (bytes and content type). */
  getReportDocument(
    patientIdentifier: string,
    orderIdentifier: string,
    reportIdentifier: string,
  ): Promise<VendorResult<VendorDocument>>;
  createFulfillmentRequest(
    request: OnegevityCreateFulfillmentRequest,
  ): Promise<VendorResult<OnegevityFulfillmentRequest>>;
  getFulfillmentRequest(requestIdentifier: string): Promise<VendorResult<OnegevityFulfillmentRequest>>;
  cancelFulfillmentRequest(requestIdentifier: string): Promise<VendorResult<OnegevityFulfillmentRequest>>;
}

export interface OnegevityClientOptions {
  /** The API root, e.g. `https://staging-api.onegevity.com`. */
  apiUrl: string;
  /** Default `{apiUrl}/oauth/token`. */
  tokenUrl?: string;
  clientId: string;
  clientSecret: string;
  tokenAuth: TokenAuthMethod;
  /** Space-separated OAuth scopes. */
  scopes: string;
  timeoutMs: number;
  refreshMarginMs?: number;
  etagCacheSize?: number;
  now?: () => number;
}

export interface OnegevityClientParts {
  client: OnegevityClient;
  tokens: TokenProvider;
  http: VendorHttp;
}

function rootUrl(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '');
}

export function createOnegevityClientParts(options: OnegevityClientOptions): OnegevityClientParts {
  const root = rootUrl(options.apiUrl);
  const tokens = createTokenProvider({
    vendor: 'onegevity',
    tokenUrl: options.tokenUrl ?? `${root}/oauth/token`,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    auth: options.tokenAuth,
    scope: options.scopes,
    timeoutMs: options.timeoutMs,
    refreshMarginMs: options.refreshMarginMs,
    now: options.now,
  });
  const http = createVendorHttp({
    vendor: 'onegevity',
    baseUrl: `${root}/api/v1`,
    tokens,
    timeoutMs: options.timeoutMs,
    readErrorBody: readOnegevityErrorBody,
    etagCacheSize: options.etagCacheSize,
    now: options.now,
  });
  const id = (endpoint: string, value: string) => pathId('onegevity', endpoint, value);
  const check = <S extends z.ZodType>(endpoint: string, schema: S, input: unknown) =>
    checkRequest('onegevity', endpoint, schema, input);
  const orderPath = (endpoint: string, patientIdentifier: string, orderIdentifier: string) =>
    `/patients/${id(endpoint, patientIdentifier)}/orders/${id(endpoint, orderIdentifier)}`;

  // Methods are async so a request refused before sending rejects like any other failure instead of throwing.
  const client: OnegevityClient = {
    async createPatientOrder(patientIdentifier, request) {
      const endpoint = 'POST /patients/{patientIdentifier}/orders';
      return http.call({
        method: 'POST',
        endpoint,
        path: `/patients/${id(endpoint, patientIdentifier)}/orders`,
        json: check(endpoint, onegevityCreateOrderRequestSchema, request),
        schema: onegevityOrderResponseSchema,
      });
    },
    async getPatientOrder(patientIdentifier, orderIdentifier) {
      const endpoint = 'GET /patients/{patientIdentifier}/orders/{orderIdentifier}';
      return http.call({
        method: 'GET',
        endpoint,
        path: orderPath(endpoint, patientIdentifier, orderIdentifier),
        schema: onegevityOrderResponseSchema,
      });
    },
    async activateKits(patientIdentifier, orderIdentifier, activations) {
      const endpoint = 'PATCH /patients/{patientIdentifier}/orders/{orderIdentifier}';
      return http.call({
        method: 'PATCH',
        endpoint,
        path: orderPath(endpoint, patientIdentifier, orderIdentifier),
        json: { kitActivations: check(endpoint, onegevityKitActivationsSchema, activations) },
        schema: onegevityOrderResponseSchema,
      });
    },
    async listReports(patientIdentifier, orderIdentifier, page) {
      const endpoint = 'GET /patients/{patientIdentifier}/orders/{orderIdentifier}/reports';
      return http.call({
        method: 'GET',
        endpoint,
        path: `${orderPath(endpoint, patientIdentifier, orderIdentifier)}/reports`,
        query: { pageNumber: page?.pageNumber, pageSize: page?.pageSize },
        schema: onegevityReportPageSchema,
      });
    },
    async getReportDocument(patientIdentifier, orderIdentifier, reportIdentifier) {
      const endpoint = 'GET /patients/{patientIdentifier}/orders/{orderIdentifier}/reports/{reportIdentifier}';
      return http.download({
        endpoint,
        path: `${orderPath(endpoint, patientIdentifier, orderIdentifier)}/reports/${id(endpoint, reportIdentifier)}`,
        accept: ONEGEVITY_REPORT_DOCUMENT_TYPE,
      });
    },
    async createFulfillmentRequest(request) {
      const endpoint = `POST ${ONEGEVITY_FULFILLMENT_REQUESTS_PATH}`;
      return http.call({
        method: 'POST',
        endpoint,
        path: ONEGEVITY_FULFILLMENT_REQUESTS_PATH,
        json: check(endpoint, onegevityCreateFulfillmentRequestSchema, request),
        schema: onegevityFulfillmentRequestResponseSchema,
      });
    },
    async getFulfillmentRequest(requestIdentifier) {
      const endpoint = `GET ${ONEGEVITY_FULFILLMENT_REQUESTS_PATH}/{requestIdentifier}`;
      return http.call({
        method: 'GET',
        endpoint,
        path: `${ONEGEVITY_FULFILLMENT_REQUESTS_PATH}/${id(endpoint, requestIdentifier)}`,
        schema: onegevityFulfillmentRequestResponseSchema,
      });
    },
    async cancelFulfillmentRequest(requestIdentifier) {
      const endpoint = `POST ${ONEGEVITY_FULFILLMENT_REQUESTS_PATH}/{requestIdentifier}/cancel`;
      return http.call({
        method: 'POST',
        endpoint,
        path: `${ONEGEVITY_FULFILLMENT_REQUESTS_PATH}/${id(endpoint, requestIdentifier)}/cancel`,
        schema: onegevityFulfillmentRequestResponseSchema,
      });
    },
  };
  return { client, tokens, http };
}

export function createOnegevityClient(options: OnegevityClientOptions): OnegevityClient {
  return createOnegevityClientParts(options).client;
}

/** The client for the configured Onegevity account; names the missing variables when credentials are not set. */
export function createOnegevityClientFromConfig(config: EngineConfig): OnegevityClient {
  const { ONEGEVITY_CLIENT_ID: clientId, ONEGEVITY_CLIENT_SECRET: clientSecret } = config;
  if (!clientId || !clientSecret) {
    throw new ConfigError(
      [
        !clientId && { variable: 'ONEGEVITY_CLIENT_ID', message: 'required to call the Onegevity API' },
        !clientSecret && { variable: 'ONEGEVITY_CLIENT_SECRET', message: 'required to call the Onegevity API' },
      ].filter((problem): problem is { variable: string; message: string } => Boolean(problem)),
    );
  }
  return createOnegevityClient({
    apiUrl: config.ONEGEVITY_API_URL,
    clientId,
    clientSecret,
    tokenAuth: config.ONEGEVITY_TOKEN_AUTH,
    scopes: config.ONEGEVITY_SCOPES,
    timeoutMs: config.VENDOR_HTTP_TIMEOUT,
  });
}
