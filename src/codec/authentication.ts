// Who may use the codec service. Two kinds of callers: the Temporal Web UI forwards its signed-in user's access token
// (TEMPORAL_CODEC_PASS_ACCESS_TOKEN), a JWT verified against the identity provider's JWKS with the configured issuer
// and audience; the CLI and tools send a static bearer token from CODEC_AUTH_TOKENS. Decoding (which reveals PHI) with a
// JWT may further require a claim value (e.g. a group) from CODEC_DECODE_ALLOWED; a static token always may decode (it
// is issued to a tool, the CLI or the audit, that decodes by design). With neither configured the service is open,
// which the process allows only on loopback in production (see openCodecAllowed).
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { bearerToken, findBySecret } from '../auth/bearer.js';
import type { EngineConfig } from '../config/env.js';

export interface CodecPrincipal {
  /** For logs: `jwt:<email or sub>`, `token:<name>`, or `anonymous` (open service). */
  label: string;
  /** JWT claims, when the caller sent a JWT. */
  claims?: JWTPayload;
}

/** Why a request was refused; `status` 401 asks for credentials, 503 means the identity provider is unreachable. */
export interface CodecAuthFailure {
  status: 401 | 503;
  code: 'missing_token' | 'invalid_token' | 'expired_token' | 'wrong_audience_or_issuer' | 'jwks_unavailable';
  message: string;
}

export type CodecAuthResult = { ok: true; principal: CodecPrincipal } | { ok: false; failure: CodecAuthFailure };

export interface CodecAuthenticator {
  /** False when neither tokens nor a JWKS are configured: every caller is `anonymous`. */
  readonly required: boolean;
  authenticate(authorization: string | undefined): Promise<CodecAuthResult>;
  /**
   * Whether this principal may decode (a JWT: the claim allow-list; a static token: always); encoding only needs
   * authentication.
   */
  mayDecode(principal: CodecPrincipal): boolean;
  /** Says what decoding requires, for a 403's message. */
  readonly decodeRequirement: string;
}

type CodecAuthConfig = Pick<
  EngineConfig,
  | 'CODEC_AUTH_TOKENS'
  | 'CODEC_JWKS_URL'
  | 'CODEC_JWT_ISSUER'
  | 'CODEC_JWT_AUDIENCE'
  | 'CODEC_DECODE_ALLOWED'
  | 'CODEC_DECODE_CLAIM'
>;

function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}

/**
 * The identity provider, not the caller's token, is at fault: no answer in time, an answer other than 200 (jose throws
 * its base JOSEError, code ERR_JOSE_GENERIC, only there), a body that is no key set, or a network error (not a
 * JOSEError at all). Telling the user their token is bad would send them to sign in again for nothing.
 */
function jwksUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return (
    error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === errors.JOSEError.code
  );
}

function jwtFailure(error: unknown): CodecAuthFailure {
  if (error instanceof errors.JWTExpired) {
    return { status: 401, code: 'expired_token', message: 'the access token has expired' };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return {
      status: 401,
      code: 'wrong_audience_or_issuer',
      message: `the access token's ${error.claim} claim is not the one this codec service accepts`,
    };
  }
  if (jwksUnavailable(error)) {
    return {
      status: 503,
      code: 'jwks_unavailable',
      message: "the identity provider's JWKS could not be fetched; retry later",
    };
  }
  return { status: 401, code: 'invalid_token', message: 'the access token does not verify' };
}

function claimValues(claims: JWTPayload | undefined, claim: string): string[] {
  const value = claims?.[claim];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function createCodecAuthenticator(config: CodecAuthConfig): CodecAuthenticator {
  const jwks = config.CODEC_JWKS_URL ? createRemoteJWKSet(new URL(config.CODEC_JWKS_URL)) : undefined;
  const tokens = config.CODEC_AUTH_TOKENS;
  const required = tokens.length > 0 || jwks !== undefined;
  const allowed = config.CODEC_DECODE_ALLOWED;

  return {
    required,
    decodeRequirement:
      allowed.length > 0
        ? `decoding with an access token needs its ${config.CODEC_DECODE_CLAIM} claim to include one of: ${allowed.join(', ')}`
        : 'decoding needs authentication',

    async authenticate(authorization) {
      if (!required) return { ok: true, principal: { label: 'anonymous' } };
      const token = bearerToken(authorization);
      if (!token) {
        return {
          ok: false,
          failure: { status: 401, code: 'missing_token', message: 'send Authorization: Bearer <token>' },
        };
      }
      const named = findBySecret(tokens, (entry) => entry.token, token);
      if (named) return { ok: true, principal: { label: `token:${named.name}` } };
      if (!jwks || !looksLikeJwt(token)) {
        return { ok: false, failure: { status: 401, code: 'invalid_token', message: 'unknown bearer token' } };
      }
      try {
        const { payload } = await jwtVerify(token, jwks, {
          issuer: config.CODEC_JWT_ISSUER!,
          audience: config.CODEC_JWT_AUDIENCE!,
          clockTolerance: 30,
        });
        const who = typeof payload.email === 'string' ? payload.email : (payload.sub ?? 'unknown subject');
        return { ok: true, principal: { label: `jwt:${who}`, claims: payload } };
      } catch (error) {
        return { ok: false, failure: jwtFailure(error) };
      }
    },

    mayDecode(principal) {
      // No claims: a static token (or the open service), which the allow-list does not cover (see the top).
      if (allowed.length === 0 || !principal.claims) return true;
      return claimValues(principal.claims, config.CODEC_DECODE_CLAIM).some((value) => allowed.includes(value));
    },
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
