// OAuth2 client credentials (RFC 6749 §4.4) for one vendor account: the token is cached and refreshed a margin
// before it expires; however many calls wait for a token, only one token request is in flight; a call answered 401
// invalidates the token it used, so the next getToken() fetches a fresh one (once, for all the calls that saw it).
import { z } from 'zod';
import { FailureType } from '../../domain/failure-types.js';
import { parseRetryAfter } from './retry-after.js';
import { exchange, INVALID_JSON, parseJsonBody } from './transport.js';
import { failureTypeForStatus, VendorError } from './vendor-error.js';
import type { Vendor } from '../../domain/vendors.js';

/** `basic`: client id and secret in an HTTP Basic header; `form`: both in the form body. */
export type TokenAuthMethod = 'basic' | 'form';

export interface TokenProviderOptions {
  vendor: Vendor;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  auth: TokenAuthMethod;
  /** Space-separated scopes (Onegevity); omitted from the request when undefined. */
  scope?: string;
  timeoutMs: number;
  /** Refresh this long before expiry (capped at half the token's lifetime). Default 60 s. */
  refreshMarginMs?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

export interface TokenProvider {
  /** A bearer token valid for at least the refresh margin. */
  getToken(): Promise<string>;
  /** Forget `token` if it is still the cached one (a call was answered 401 with it). */
  invalidate(token: string): void;
}

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  // A lifetime the answer does not state readably (null, "", 0) is the default one, not a refusal of a good token.
  expires_in: z.coerce.number().positive().finite().optional().catch(undefined),
});

/** ASSUMED: a token response without expires_in is treated as valid for five minutes. */
const DEFAULT_EXPIRES_IN_MS = 300_000;
const DEFAULT_REFRESH_MARGIN_MS = 60_000;
const TOKEN_ENDPOINT = 'POST /oauth/token';

/** RFC 6749 §2.3.1: client id and secret are form-encoded before they are joined for HTTP Basic. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`, 'utf8').toString('base64');
}

export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function requestToken(): Promise<string> {
    const requestedAt = now();
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    if (options.scope !== undefined) form.scope = options.scope;
    const headers: Record<string, string> = {};
    if (options.auth === 'basic') {
      headers.authorization = `Basic ${basicCredentials(options.clientId, options.clientSecret)}`;
    } else {
      form.client_id = options.clientId;
      form.client_secret = options.clientSecret;
    }
    const response = await exchange({
      vendor: options.vendor,
      endpoint: TOKEN_ENDPOINT,
      method: 'POST',
      url: options.tokenUrl,
      headers,
      form,
      timeoutMs: options.timeoutMs,
    });
    if (response.status !== 200) {
      // Any refusal of the token request (invalid_client, invalid_scope, …) means the credentials or scopes need
      // fixing; throttling and vendor faults stay retryable.
      const failureType = failureTypeForStatus(response.status);
      throw new VendorError({
        vendor: options.vendor,
        endpoint: TOKEN_ENDPOINT,
        failureType:
          failureType === FailureType.VendorRateLimited || failureType === FailureType.VendorUnavailable
            ? failureType
            : FailureType.VendorUnauthorized,
        status: response.status,
        requestId: response.requestId,
        retryAfterMs: parseRetryAfter(response.headers['retry-after'], now()),
        detail: `HTTP ${response.status}`,
      });
    }
    const body = parseJsonBody(response.body);
    const parsed = tokenResponseSchema.safeParse(body === INVALID_JSON ? undefined : body);
    if (!parsed.success) {
      throw new VendorError({
        vendor: options.vendor,
        endpoint: TOKEN_ENDPOINT,
        failureType: FailureType.VendorResponseInvalid,
        status: response.status,
        requestId: response.requestId,
        detail: 'token response without an access_token',
      });
    }
    const lifetime = parsed.data.expires_in !== undefined ? parsed.data.expires_in * 1000 : DEFAULT_EXPIRES_IN_MS;
    // The lifetime counts from when we asked, not when the answer arrived: never trust a token longer than it lives.
    cached = { token: parsed.data.access_token, refreshAt: requestedAt + lifetime - Math.min(margin, lifetime / 2) };
    return parsed.data.access_token;
  }

  return {
    getToken() {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      inFlight ??= requestToken().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
