// The sandbox's development credentials (docs/WIRE-CONTRACT.md, "Sandbox layout"): the one place they are written
// down. `fulfill dev`, the sandbox process and the tests lay them over an environment that lacks real ones; the sandbox
// accepts and signs with whatever the variables finally hold, so the engine and the sandbox always agree. The sandbox
// speaks plain http on loopback, so an environment wired to it is a development one unless it says otherwise.
import type { EnvName } from '../config/env.js';

/** The bearer key of the sandbox's partner API key (named `sandbox`, admin scope) in SANDBOX_DEV_CREDENTIALS. */
export const SANDBOX_PARTNER_API_KEY = 'sandbox-partner-key';

export const SANDBOX_DEV_CREDENTIALS = {
  ENGINE_ENV: 'development',
  HONEYBEE_CLIENT_ID: 'sandbox-honeybee-client',
  HONEYBEE_CLIENT_SECRET: 'sandbox-honeybee-secret',
  HONEYBEE_WEBHOOK_SECRETS: 'sandbox-honeybee-webhook-secret',
  ONEGEVITY_CLIENT_ID: 'sandbox-onegevity-client',
  ONEGEVITY_CLIENT_SECRET: 'sandbox-onegevity-secret',
  ONEGEVITY_WEBHOOK_SECRETS: 'sandbox-onegevity-webhook-secret',
  PARTNER_API_KEYS: `sandbox:admin:${SANDBOX_PARTNER_API_KEY}`,
  PARTNER_DIRECTORY_API_KEY: 'sandbox-directory-key',
  // Standard Webhooks secret: whsec_ + base64("sandbox-partner-webhook-secret"), 30 bytes.
  PARTNER_WEBHOOK_SECRETS: 'whsec_c2FuZGJveC1wYXJ0bmVyLXdlYmhvb2stc2VjcmV0',
} as const satisfies Partial<Record<EnvName, string>>;

/**
 * The dev credentials for every variable the environment leaves unset (or blank), as an overlay to spread over it:
 * `{ ...env, ...sandboxCredentialsOverlay(env) }`. Values already set are kept.
 */
export function sandboxCredentialsOverlay(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const overlay: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(SANDBOX_DEV_CREDENTIALS)) {
    if (!env[name]?.trim()) overlay[name] = value;
  }
  return overlay;
}

/** An environment with the dev credentials filled in where it has none. */
export function withSandboxCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, ...sandboxCredentialsOverlay(env) };
}
