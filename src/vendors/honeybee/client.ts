// The Honeybee Partner API client (docs/VENDOR-FACTS.md, docs/WIRE-CONTRACT.md). Every method returns the parsed body
// with the vendor's X-Request-Id, or throws a classified VendorError; none retries (Temporal retries activities, and
// a blind retry of POST /orders could duplicate a fill: callers reconcile with listOrders first).
import type { z } from 'zod';
import { ConfigError, type EngineConfig } from '../../config/env.js';
import { emptyBody } from '../shared/lenient.js';
import { checkRequest, pathId, requireId } from '../shared/request-input.js';
import { createTokenProvider, type TokenAuthMethod, type TokenProvider } from '../shared/token-provider.js';
import { createVendorHttp, type VendorHttp, type VendorResult } from '../shared/vendor-http.js';
import { readHoneybeeErrorBody } from './error-body.js';
import {
  honeybeeAddressInputSchema,
  honeybeeAddressResponseSchema,
  honeybeeCreateOrderRequestSchema,
  honeybeeOrderActionRequestSchema,
  honeybeeOrderResponseSchema,
  honeybeeOrdersResponseSchema,
  honeybeePatientResponseSchema,
  honeybeePrescriptionsResponseSchema,
  honeybeeSimulateRequestSchema,
  honeybeeSimulateResponseSchema,
  type HoneybeeAddress,
  type HoneybeeAddressInput,
  type HoneybeeCreateOrderRequest,
  type HoneybeeMedicationRequest,
  type HoneybeeOrder,
  type HoneybeeOrderActionRequest,
  type HoneybeePatient,
  type HoneybeeSimulateRequest,
  type HoneybeeSimulateResult,
} from './schemas.js';

/** ASSUMED (VENDOR-FACTS.md): the query parameter that filters GET /orders by patient. */
export const HONEYBEE_ORDERS_PATIENT_FILTER = 'patient_id';
/** ASSUMED (VENDOR-FACTS.md): the path of "Submit New Partner Order Action Request". */
export const HONEYBEE_ORDER_ACTIONS_PATH = 'actions';
/**
 * ASSUMED (VENDOR-FACTS.md): where a partner places its own hold (exception 64, "Partner placed this order on hold"):
 * `POST /orders/{order_number}/hold` with `{"reason"}`, 204; 409 unless the order is Processing or Filling. The hold
 * is released with the `release_hold` order action its exception offers.
 */
export const HONEYBEE_PARTNER_HOLD_PATH = 'hold';

export interface HoneybeeClient {
  getPatient(patientId: string | number): Promise<VendorResult<HoneybeePatient>>;
  listPatientPrescriptions(patientId: string | number): Promise<VendorResult<HoneybeeMedicationRequest[]>>;
  /** POST /orders. Not idempotent at the vendor: on any doubt, reconcile with listOrders before trying again. */
  createOrder(request: HoneybeeCreateOrderRequest): Promise<VendorResult<HoneybeeOrder>>;
  /** A patient's orders, newest first. */
  listOrders(filter: { patientId: string | number }): Promise<VendorResult<HoneybeeOrder[]>>;
  /** One order; revalidated with If-None-Match, so polling a quiet order costs a 304. */
  getOrder(orderNumber: string): Promise<VendorResult<HoneybeeOrder>>;
  /** Resolve an On Hold order with one of the order_actions its exception offered. */
  submitOrderAction(orderNumber: string, request: HoneybeeOrderActionRequest): Promise<VendorResult<undefined>>;
  /** Place the partner's own hold (exception 64) on a Processing or Filling order. */
  placePartnerHold(orderNumber: string, request: { reason: string }): Promise<VendorResult<undefined>>;
  /** Reorder a shipped or delivered order; returns the new order. */
  reorder(orderNumber: string, request?: Record<string, unknown>): Promise<VendorResult<HoneybeeOrder>>;
  updateOrderShippingAddress(orderNumber: string, address: HoneybeeAddressInput): Promise<VendorResult<undefined>>;
  addPatientShippingAddress(
    patientId: string | number,
    address: HoneybeeAddressInput,
  ): Promise<VendorResult<HoneybeeAddress>>;
  /** Sandbox only: make the vendor fire a webhook. */
  simulate(request: HoneybeeSimulateRequest): Promise<VendorResult<HoneybeeSimulateResult>>;
}

export interface HoneybeeClientOptions {
  /** e.g. `https://partners.honeybeehealth.com/v1` */
  apiUrl: string;
  /** e.g. `https://auth.honeybeehealth.com/oauth/token` */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  tokenAuth: TokenAuthMethod;
  timeoutMs: number;
  refreshMarginMs?: number;
  etagCacheSize?: number;
  now?: () => number;
}

/** The client and its parts (tests inspect the token provider and the ETag cache). */
export interface HoneybeeClientParts {
  client: HoneybeeClient;
  tokens: TokenProvider;
  http: VendorHttp;
}

export function createHoneybeeClientParts(options: HoneybeeClientOptions): HoneybeeClientParts {
  const tokens = createTokenProvider({
    vendor: 'honeybee',
    tokenUrl: options.tokenUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    auth: options.tokenAuth,
    timeoutMs: options.timeoutMs,
    refreshMarginMs: options.refreshMarginMs,
    now: options.now,
  });
  const http = createVendorHttp({
    vendor: 'honeybee',
    baseUrl: options.apiUrl,
    tokens,
    timeoutMs: options.timeoutMs,
    readErrorBody: readHoneybeeErrorBody,
    etagCacheSize: options.etagCacheSize,
    now: options.now,
  });
  const id = (endpoint: string, value: string | number) => pathId('honeybee', endpoint, value);
  const check = <S extends z.ZodType>(endpoint: string, schema: S, input: unknown) =>
    checkRequest('honeybee', endpoint, schema, input);

  // Methods are async so a request refused before sending rejects like any other failure instead of throwing.
  const client: HoneybeeClient = {
    async getPatient(patientId) {
      const endpoint = 'GET /patients/{patient_id}';
      return http.call({
        method: 'GET',
        endpoint,
        path: `/patients/${id(endpoint, patientId)}`,
        schema: honeybeePatientResponseSchema,
      });
    },
    async listPatientPrescriptions(patientId) {
      const endpoint = 'GET /patients/{patient_id}/rx';
      return http.call({
        method: 'GET',
        endpoint,
        path: `/patients/${id(endpoint, patientId)}/rx`,
        schema: honeybeePrescriptionsResponseSchema,
      });
    },
    async createOrder(request) {
      const endpoint = 'POST /orders';
      return http.call({
        method: 'POST',
        endpoint,
        path: '/orders',
        json: check(endpoint, honeybeeCreateOrderRequestSchema, request),
        schema: honeybeeOrderResponseSchema,
      });
    },
    async listOrders({ patientId }) {
      const endpoint = 'GET /orders';
      return http.call({
        method: 'GET',
        endpoint,
        path: '/orders',
        query: { [HONEYBEE_ORDERS_PATIENT_FILTER]: requireId('honeybee', endpoint, patientId) },
        schema: honeybeeOrdersResponseSchema,
      });
    },
    async getOrder(orderNumber) {
      const endpoint = 'GET /orders/{order_number}';
      return http.call({
        method: 'GET',
        endpoint,
        path: `/orders/${id(endpoint, orderNumber)}`,
        schema: honeybeeOrderResponseSchema,
      });
    },
    async submitOrderAction(orderNumber, request) {
      const endpoint = `POST /orders/{order_number}/${HONEYBEE_ORDER_ACTIONS_PATH}`;
      const { action, fields } = check(endpoint, honeybeeOrderActionRequestSchema, request);
      return http.call({
        method: 'POST',
        endpoint,
        path: `/orders/${id(endpoint, orderNumber)}/${HONEYBEE_ORDER_ACTIONS_PATH}`,
        // The action's fields sit beside `action` (VENDOR-FACTS.md); `action` wins over a field of the same name.
        json: { ...fields, action },
        schema: emptyBody,
      });
    },
    async placePartnerHold(orderNumber, request) {
      const endpoint = `POST /orders/{order_number}/${HONEYBEE_PARTNER_HOLD_PATH}`;
      return http.call({
        method: 'POST',
        endpoint,
        path: `/orders/${id(endpoint, orderNumber)}/${HONEYBEE_PARTNER_HOLD_PATH}`,
        json: { reason: request.reason },
        schema: emptyBody,
      });
    },
    async reorder(orderNumber, request) {
      const endpoint = 'POST /orders/{order_number}/reorders';
      return http.call({
        method: 'POST',
        endpoint,
        path: `/orders/${id(endpoint, orderNumber)}/reorders`,
        json: request,
        schema: honeybeeOrderResponseSchema,
      });
    },
    async updateOrderShippingAddress(orderNumber, address) {
      const endpoint = 'PUT /orders/{order_number}/shipping_address';
      return http.call({
        method: 'PUT',
        endpoint,
        path: `/orders/${id(endpoint, orderNumber)}/shipping_address`,
        json: { address: check(endpoint, honeybeeAddressInputSchema, address) },
        schema: emptyBody,
      });
    },
    async addPatientShippingAddress(patientId, address) {
      const endpoint = 'POST /patients/{patient_id}/shipping_address';
      return http.call({
        method: 'POST',
        endpoint,
        path: `/patients/${id(endpoint, patientId)}/shipping_address`,
        json: { address: check(endpoint, honeybeeAddressInputSchema, address) },
        schema: honeybeeAddressResponseSchema,
      });
    },
    async simulate(request) {
      const endpoint = 'POST /simulate';
      return http.call({
        method: 'POST',
        endpoint,
        path: '/simulate',
        json: check(endpoint, honeybeeSimulateRequestSchema, request),
        schema: honeybeeSimulateResponseSchema,
      });
    },
  };
  return { client, tokens, http };
}

export function createHoneybeeClient(options: HoneybeeClientOptions): HoneybeeClient {
  return createHoneybeeClientParts(options).client;
}

/** The client for the configured Honeybee account; names the missing variables when credentials are not set. */
export function createHoneybeeClientFromConfig(config: EngineConfig): HoneybeeClient {
  const { HONEYBEE_CLIENT_ID: clientId, HONEYBEE_CLIENT_SECRET: clientSecret } = config;
  if (!clientId || !clientSecret) {
    throw new ConfigError(
      [
        !clientId && { variable: 'HONEYBEE_CLIENT_ID', message: 'required to call the Honeybee API' },
        !clientSecret && { variable: 'HONEYBEE_CLIENT_SECRET', message: 'required to call the Honeybee API' },
      ].filter((problem): problem is { variable: string; message: string } => Boolean(problem)),
    );
  }
  return createHoneybeeClient({
    apiUrl: config.HONEYBEE_API_URL,
    tokenUrl: config.HONEYBEE_TOKEN_URL,
    clientId,
    clientSecret,
    tokenAuth: config.HONEYBEE_TOKEN_AUTH,
    timeoutMs: config.VENDOR_HTTP_TIMEOUT,
  });
}
