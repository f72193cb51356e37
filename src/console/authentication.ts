// Who may use the operator console. Two kinds of credentials, the engine's own: a partner API key with the operate
// scope (PARTNER_API_KEYS), or an access token (JWT) verified exactly as the codec service verifies it
// (src/codec/authentication.ts: CODEC_JWKS_URL, issuer, audience). Either is sent as a bearer token on each request
// (tools, a proxy in front) or exchanged once on the sign-in page for a session (browsers). There is no anonymous
// access, in production or in development; in development the sign-in page names the sandbox's dev key.
//
// What a signed-in user becomes: a Temporal client identity `console:<who>`, recorded by Temporal with every update
// and signal the console sends for them (the audit shows it beside the operator name they type), and a permission to
// read parked webhook bodies (decrypted, may hold PHI): the admin scope for a key, the codec's decode allow-list
// (CODEC_DECODE_ALLOWED) for a JWT.
import { bearerToken, findBySecret } from '../auth/bearer.js';
import { createCodecAuthenticator, type CodecAuthenticator } from '../codec/authentication.js';
import { isDevelopment, type EngineConfig, type PartnerApiKey } from '../config/env.js';
import { SANDBOX_PARTNER_API_KEY } from '../sandbox/dev-credentials.js';

export interface ConsolePrincipal {
  /** Who, for logs and the identity: `key:<key name>` or `jwt:<email or subject>`. */
  label: string;
  /** The Temporal client identity everything this user sends carries: `console:<label>`. */
  identity: string;
  /** A name to suggest as the operator (the user may type another; both are recorded). */
  suggestedOperator: string;
  /** May read parked webhook bodies (decrypted; they may hold PHI). */
  mayReadBodies: boolean;
  /** When the credential stops being valid (a JWT's `exp`), epoch ms. */
  expiresAt?: number;
}

export type ConsoleAuthResult =
  { ok: true; principal: ConsolePrincipal } | { ok: false; status: 401 | 403 | 503; message: string };

export interface ConsoleAuthenticator {
  /** The ways to sign in that this engine is configured for (the sign-in page says which). */
  readonly methods: { partnerApiKeys: boolean; accessTokens: boolean };
  /** In development, with the sandbox's dev key configured: that key, for the sign-in page to name. */
  readonly developmentKey: string | undefined;
  /** Checks a credential (an API key or an access token), as typed on the sign-in page or sent as a bearer. */
  authenticate(credential: string): Promise<ConsoleAuthResult>;
  /** The same, from an `Authorization: Bearer …` header; undefined when the request sends none. */
  authenticateHeader(authorization: string | undefined): Promise<ConsoleAuthResult | undefined>;
}

type ConsoleAuthConfig = Pick<
  EngineConfig,
  | 'ENGINE_ENV'
  | 'PARTNER_API_KEYS'
  | 'CODEC_JWKS_URL'
  | 'CODEC_JWT_ISSUER'
  | 'CODEC_JWT_AUDIENCE'
  | 'CODEC_DECODE_ALLOWED'
  | 'CODEC_DECODE_CLAIM'
>;

/** Identities are free text in Temporal's history: printable, bounded, no spaces. */
function identityPart(text: string): string {
  return (
    text
      .replace(/[^\x21-\x7e]/g, '')
      .replace(/[<>"'`]/g, '')
      .slice(0, 120) || 'unknown'
  );
}

function principal(label: string, suggestedOperator: string, mayReadBodies: boolean, expiresAt?: number) {
  const safe = identityPart(label);
  return {
    label: safe,
    identity: `console:${safe}`,
    suggestedOperator: suggestedOperator.slice(0, 200),
    mayReadBodies,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

function fromKey(key: PartnerApiKey): ConsoleAuthResult {
  if (!key.scopes.includes('operate')) {
    return {
      ok: false,
      status: 403,
      message: `the key ${key.name} lacks the operate scope the console needs (it has ${key.scopes.join(', ')})`,
    };
  }
  return { ok: true, principal: principal(`key:${key.name}`, key.name, key.scopes.includes('admin')) };
}

export function createConsoleAuthenticator(config: ConsoleAuthConfig): ConsoleAuthenticator {
  const keys = config.PARTNER_API_KEYS;
  // Only the JWT half of the codec's authentication: its static tokens are for tools that decode, not for operators.
  const jwt: CodecAuthenticator | undefined = config.CODEC_JWKS_URL
    ? createCodecAuthenticator({ ...config, CODEC_AUTH_TOKENS: [] })
    : undefined;
  const developmentKey =
    isDevelopment(config) && keys.some((entry) => entry.key === SANDBOX_PARTNER_API_KEY)
      ? SANDBOX_PARTNER_API_KEY
      : undefined;

  async function authenticate(credential: string): Promise<ConsoleAuthResult> {
    const token = credential.trim();
    if (!token) return { ok: false, status: 401, message: 'give a partner API key or an access token' };
    const key = findBySecret(keys, (entry) => entry.key, token);
    if (key) return fromKey(key);
    if (!jwt) return { ok: false, status: 401, message: 'that key is not accepted' };
    const verified = await jwt.authenticate(`Bearer ${token}`);
    if (!verified.ok) {
      const { status, message } = verified.failure;
      return { ok: false, status, message: status === 401 ? `that key or token is not accepted: ${message}` : message };
    }
    const claims = verified.principal.claims ?? {};
    const name = typeof claims.name === 'string' ? claims.name : verified.principal.label.replace(/^jwt:/, '');
    return {
      ok: true,
      principal: principal(
        verified.principal.label,
        name,
        jwt.mayDecode(verified.principal),
        typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
      ),
    };
  }

  return {
    methods: { partnerApiKeys: keys.some((entry) => entry.scopes.includes('operate')), accessTokens: Boolean(jwt) },
    developmentKey,
    authenticate,
    async authenticateHeader(authorization) {
      if (authorization === undefined) return undefined;
      const token = bearerToken(authorization);
      if (!token) return { ok: false, status: 401, message: 'send Authorization: Bearer <key or access token>' };
      return authenticate(token);
    },
  };
}
