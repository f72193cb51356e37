// OAuth2 client-credentials tokens for both simulated vendors: issued against the configured client id and secret,
// expiring on the sandbox clock (advance the clock past `expires_in` and the next call answers 401), and revocable
// through the control API so a client's refresh-once-on-401 path can be exercised.
import type { SandboxClock } from './clock.js';
import type { SeededRandom } from './random.js';
import type { Vendor } from '../domain/vendors.js';

export type TokenVendor = Vendor;

export interface IssuedToken {
  vendor: TokenVendor;
  clientId: string;
  scopes: readonly string[];
  issuedAt: number;
  expiresAt: number;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  grantType?: string;
  scope?: string;
}

export type TokenCheck = { ok: true; token: IssuedToken } | { ok: false; reason: 'missing' | 'unknown' | 'expired' };

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class TokenIssuer {
  readonly #clock: SandboxClock;
  readonly #random: SeededRandom;
  readonly #tokens = new Map<string, IssuedToken>();
  #issued: Record<TokenVendor, number> = { honeybee: 0, onegevity: 0 };

  constructor(clock: SandboxClock, random: SeededRandom) {
    this.#clock = clock;
    this.#random = random;
  }

  issue(vendor: TokenVendor, clientId: string, scopes: readonly string[], lifetimeSeconds: number) {
    const value = this.#random.chars(43, TOKEN_ALPHABET);
    const issuedAt = this.#clock.now();
    this.#tokens.set(value, { vendor, clientId, scopes, issuedAt, expiresAt: issuedAt + lifetimeSeconds * 1000 });
    this.#issued[vendor]++;
    return { value, issuedAt };
  }

  check(vendor: TokenVendor, authorization: string | undefined): TokenCheck {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) return { ok: false, reason: 'missing' };
    const token = this.#tokens.get(match[1]);
    if (!token || token.vendor !== vendor) return { ok: false, reason: 'unknown' };
    if (this.#clock.now() >= token.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, token };
  }

  /** Expires every token (of one vendor, or all): the next call with one answers 401. */
  expireAll(vendor?: TokenVendor): number {
    let count = 0;
    const now = this.#clock.now();
    for (const token of this.#tokens.values()) {
      if ((!vendor || token.vendor === vendor) && token.expiresAt > now) {
        token.expiresAt = now;
        count++;
      }
    }
    return count;
  }

  issuedCounts(): Record<TokenVendor, number> {
    return { ...this.#issued };
  }
}

/**
 * Client credentials from a token request: HTTP Basic (RFC 6749 §2.3.1: form-encoded id and secret) or the form body.
 * Basic wins when both are present, as in most OAuth servers.
 */
export function readClientCredentials(
  authorization: string | undefined,
  form: URLSearchParams,
): ClientCredentials | undefined {
  const grantType = form.get('grant_type') ?? undefined;
  const scope = form.get('scope') ?? undefined;
  const extras = { ...(grantType !== undefined ? { grantType } : {}), ...(scope !== undefined ? { scope } : {}) };
  const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const decode = (part: string) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        return part;
      }
    };
    return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)), ...extras };
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  if (!clientId || !clientSecret) return undefined;
  return { clientId, clientSecret, ...extras };
}
