// The one schema for the engine's environment. Every process (worker, bridge, sandbox, CLI) reads its
// configuration through `loadConfig`, so a wrong value fails at start with a message naming the variable.
// `.env.example` documents every variable below; test/unit/config.test.ts keeps the two in step.
import { join } from 'node:path';
import { z } from 'zod';
import { HONEYBEE_CREATE_IN_DOUBT_RECHECK_MS } from '../domain/activity-options.js';
import { applyTemporalProfile } from './temporal-profile.js';

const DEFAULT_BRIDGE_PORT = 3000;
const DEFAULT_SANDBOX_PORT = 4010;
/** Next to the dev server's Web UI (8233), whose browser calls it. */
export const DEFAULT_CODEC_PORT = 8234;

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = z.url({ protocol: /^https?$/ });

/** Comma-separated list; blank items are dropped. */
const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/** `true/false/1/0/yes/no`, because `z.coerce.boolean()` turns the string "false" into true. */
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Durations as `30s`, `15m`, `48h`, `7d` or plain milliseconds; stored as milliseconds. */
export const durationMs = z.string().transform((value, ctx) => {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration like 30s, 15m, 48h, 7d or milliseconds' });
    return z.NEVER;
  }
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return Number(match[1]) * (units[match[2] ?? 'ms'] ?? 1);
});

/** Partner API scopes; each includes the ones before it (admin ⊇ operate ⊇ read). */
export const PARTNER_API_SCOPES = ['read', 'operate', 'admin'] as const;
export type PartnerApiScope = (typeof PARTNER_API_SCOPES)[number];

export interface PartnerApiKey {
  /** Who the key belongs to: logged, counted, and recorded as the Temporal identity `partner-api:<name>`. */
  name: string;
  scopes: readonly PartnerApiScope[];
  key: string;
  /** Written in the old form (a bare key): read and operate, named `key-<n>`. */
  legacy: boolean;
}

const KEY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Every scope a granted scope implies. */
function impliedScopes(granted: readonly PartnerApiScope[]): PartnerApiScope[] {
  const highest = Math.max(...granted.map((scope) => PARTNER_API_SCOPES.indexOf(scope)));
  return PARTNER_API_SCOPES.slice(0, highest + 1);
}

/**
 * `name:scope+scope:key` entries, comma-separated (`acme-backend:operate:…`, `acme-admin:admin:…`). A bare key (the
 * old form) still works as `key-<n>` with read and operate.
 */
const partnerApiKeys = csv.transform((entries, ctx) => {
  const keys: PartnerApiKey[] = [];
  entries.forEach((entry, index) => {
    const parts = entry.split(':');
    if (parts.length === 1) {
      keys.push({ name: `key-${index + 1}`, scopes: ['read', 'operate'], key: entry, legacy: true });
      return;
    }
    const [name = '', scopeList = '', ...rest] = parts;
    const key = rest.join(':');
    const scopes = scopeList.split('+').map((scope) => scope.trim());
    const unknown = scopes.filter((scope) => !(PARTNER_API_SCOPES as readonly string[]).includes(scope));
    if (!KEY_NAME.test(name) || unknown.length > 0 || scopes.length === 0 || key.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message:
          `entry ${index + 1} is not name:scopes:key (name of letters, digits, _ . -; scopes from ` +
          `${PARTNER_API_SCOPES.join(', ')} joined by +)`,
      });
      return;
    }
    keys.push({ name, scopes: impliedScopes(scopes as PartnerApiScope[]), key, legacy: false });
  });
  const names = keys.map((key) => key.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) ctx.addIssue({ code: 'custom', message: `the name ${duplicate} is used twice` });
  const secrets = keys.map((key) => key.key);
  if (new Set(secrets).size !== secrets.length) ctx.addIssue({ code: 'custom', message: 'a key is listed twice' });
  return keys;
});

export interface NamedToken {
  name: string;
  token: string;
}

/** `name:token` entries, comma-separated: the name says who called (logs), the token is the bearer secret. */
const namedTokens = csv.transform((entries, ctx) => {
  const tokens: NamedToken[] = [];
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const name = entry.slice(0, separator);
    const token = entry.slice(separator + 1);
    if (separator < 1 || !KEY_NAME.test(name) || token.length < 16) {
      ctx.addIssue({
        code: 'custom',
        message: `entry ${index + 1} is not name:token (a name of letters, digits, _ . -; a token of 16+ characters)`,
      });
      return;
    }
    tokens.push({ name, token });
  });
  return tokens;
});

/** Standard Webhooks keys carry 24 to 64 random bytes (the spec's bounds). */
export const STANDARD_WEBHOOK_KEY_BYTES = { min: 24, max: 64 } as const;

/** Standard Webhooks secrets (`whsec_` + base64 of 24–64 bytes), comma-separated: current first. */
const standardWebhookSecrets = csv.superRefine((secrets, ctx) => {
  secrets.forEach((secret, index) => {
    const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : '';
    const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').length : 0;
    if (bytes < STANDARD_WEBHOOK_KEY_BYTES.min || bytes > STANDARD_WEBHOOK_KEY_BYTES.max) {
      ctx.addIssue({
        code: 'custom',
        message:
          `secret ${index + 1} must be whsec_ followed by the base64 of ${STANDARD_WEBHOOK_KEY_BYTES.min} to ` +
          `${STANDARD_WEBHOOK_KEY_BYTES.max} random bytes (e.g. whsec_$(openssl rand -base64 32))`,
      });
    }
  });
});

/** Where a server listens: `host:port`, a bare port (on 127.0.0.1), or `off`. Port 0 picks a free port. */
const listenAddress = z.string().transform((value, ctx) => {
  const text = value.trim();
  if (text === 'off') return null;
  const match = /^(?:(.+):)?(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65535) {
    ctx.addIssue({ code: 'custom', message: 'expected host:port, a port, or off' });
    return z.NEVER;
  }
  return { host: (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'), port };
});

export const envSchema = z.object({
  /**
   * production: outbound URLs and CODEC_JWKS_URL must be https and the codec service refuses to listen beyond
   * loopback without authentication. development (what `fulfill dev`, the sandbox and the tests run): plain http
   * allowed, said aloud.
   */
  ENGINE_ENV: z.enum(['production', 'development']).default('production'),

  // Temporal. The connection variables are the `temporal` CLI's own, read the same way (src/config/temporal-profile.ts):
  // a variable wins over the profile file (TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE), which wins over the defaults.
  /** host:port, default 127.0.0.1:7233 (applied after the profile file; checked in temporal-profile.ts). */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  /** Default `default` (applied after the profile file). */
  TEMPORAL_NAMESPACE: z.string().min(1).optional(),
  /** A TOML client profile file (the CLI's format); read only when this or TEMPORAL_PROFILE is set. */
  TEMPORAL_CONFIG_FILE: z.string().min(1).optional(),
  /** The profile to use from that file (or from ~/.config/temporalio/temporal.toml when no file is named). */
  TEMPORAL_PROFILE: z.string().min(1).optional(),
  /** TLS on or off; on by default when any TLS variable or an API key is set. */
  TEMPORAL_TLS: flag.optional(),
  /** The name the server's certificate must carry, when it differs from the address's host. */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** The CA that signed the server's certificate (a private CA); unset = the system's trusted CAs. */
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: z.string().min(1).optional(),
  /** mTLS: this process's client certificate and key (PEM), as paths or inline. */
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_CERT_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_DATA: z.string().min(1).optional(),
  /** An API key (Temporal Cloud), sent as a bearer token; implies TLS. Never logged. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('fulfillment'),
  TEMPORAL_UI_PORT: port.default(8233),
  /** The Temporal Web UI as operators' browsers reach it (the console links each workflow there). */
  TEMPORAL_UI_URL: url.optional(),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_TEST_SERVER_PATH: z.string().min(1).optional(),
  /** A workflow bundle built ahead of time (`npm run build`); without it the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),

  // Files
  DATA_DIR: z.string().min(1).default('.data'),

  // Bridge (webhooks in, partner API)
  BRIDGE_HOST: z.string().min(1).default('127.0.0.1'),
  BRIDGE_PORT: port.default(DEFAULT_BRIDGE_PORT),
  /**
   * The bridge's public base URL, as the vendors see it (Honeybee signs the full webhook URL). Default
   * `http://127.0.0.1:{BRIDGE_PORT}`, so moving the port alone moves it too.
   */
  BRIDGE_PUBLIC_URL: url.optional(),
  BRIDGE_BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  /** Where the bridge keeps authentic webhooks Temporal refused for good. Default `{DATA_DIR}/webhook-spool`. */
  BRIDGE_SPOOL_DIR: z.string().min(1).optional(),
  /** A day's dead-letter workflow closes (completes) after this long without an arrival; a late one starts it anew. */
  DEAD_LETTER_QUIET_PERIOD: durationMs.default(24 * 3_600_000),
  /** Partner API keys: `name:scopes:key`, comma-separated (a bare key: read and operate). */
  PARTNER_API_KEYS: partnerApiKeys.default([]),
  /** Requests per key per PARTNER_API_RATE_WINDOW (then 429 with Retry-After), counted by each bridge. */
  PARTNER_API_RATE_LIMIT: positiveInt.default(600),
  PARTNER_API_RATE_WINDOW: durationMs.default(60_000),
  /** Largest partner API request body; larger ones are answered 413. */
  PARTNER_API_BODY_LIMIT_BYTES: positiveInt.default(65_536),
  /** How long the answer to a POST with an Idempotency-Key is kept and replayed. */
  PARTNER_API_IDEMPOTENCY_TTL: durationMs.default(24 * 3_600_000),

  // Honeybee Health
  HONEYBEE_API_URL: url.default(`http://127.0.0.1:${DEFAULT_SANDBOX_PORT}/honeybee/v1`),
  HONEYBEE_TOKEN_URL: url.default(`http://127.0.0.1:${DEFAULT_SANDBOX_PORT}/honeybee/oauth/token`),
  HONEYBEE_CLIENT_ID: z.string().min(1).optional(),
  HONEYBEE_CLIENT_SECRET: z.string().min(1).optional(),
  /** Earlier client secrets still accepted when verifying webhooks during a rotation. */
  HONEYBEE_PREVIOUS_CLIENT_SECRETS: csv.default([]),
  HONEYBEE_TOKEN_AUTH: z.enum(['basic', 'form']).default('basic'),
  /** The partner-supplied secret behind X-Honeybee-Secret; current first, then previous ones. */
  HONEYBEE_WEBHOOK_SECRETS: csv.default([]),
  /** Which Honeybee webhook headers must verify: the signature, the secret, or both. */
  HONEYBEE_WEBHOOK_AUTH: z.enum(['signature', 'secret', 'both']).default('signature'),
  /** The public webhook URL configured at Honeybee (part of the signed string). Defaults to the bridge's. */
  HONEYBEE_WEBHOOK_URL: url.optional(),
  /** automatic = Honeybee creates orders itself; partner_requested = the engine creates each fill. */
  HONEYBEE_WORKFLOW_MODE: z.enum(['automatic', 'partner_requested']).default('partner_requested'),
  /** automatic = fill as soon as the patient is matched; partner = wait for the partner's approveFill. */
  HONEYBEE_FILL_APPROVAL: z.enum(['automatic', 'partner']).default('automatic'),
  HONEYBEE_SHIPPING_METHOD_ID: positiveInt.default(1),
  /**
   * When the partner's intake has no patient-safety data for a patient: `hold` the order for an operator (an empty
   * allergy list reads as "no known allergies" to a pharmacist), or `send-empty` lists anyway.
   */
  HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN: z.enum(['hold', 'send-empty']).default('hold'),

  // Onegevity
  ONEGEVITY_API_URL: url.default(`http://127.0.0.1:${DEFAULT_SANDBOX_PORT}/onegevity`),
  ONEGEVITY_CLIENT_ID: z.string().min(1).optional(),
  ONEGEVITY_CLIENT_SECRET: z.string().min(1).optional(),
  ONEGEVITY_TOKEN_AUTH: z.enum(['basic', 'form']).default('basic'),
  ONEGEVITY_SCOPES: z
    .string()
    .min(1)
    .default('packages_read patients_read patients_write products_read surveys_read fulfillment'),
  /** Shared secrets for X-Onegevity-Signature; current first, then previous ones. */
  ONEGEVITY_WEBHOOK_SECRETS: csv.default([]),
  ONEGEVITY_PACKAGE_IDENTIFIER: z.string().min(1).default('KIT-STANDARD'),
  /** The webhook URL registered at Onegevity (where the sandbox delivers). Defaults to the bridge's. */
  ONEGEVITY_WEBHOOK_URL: url.optional(),
  /**
   * Follow orders the engine did not create (placed in the patient's browser with Onegevity's UI-Kit): their first
   * event starts a lab order that tracks them to their results. `false` parks their events in the dead letter instead.
   */
  ONEGEVITY_FOLLOW_UNKNOWN_ORDERS: flag.default(true),

  // Vendor HTTP behaviour
  VENDOR_HTTP_TIMEOUT: durationMs.default(10_000),
  /**
   * After a `POST /orders` whose outcome is unknown (no answer, a 5xx other than 503) and a listing that does not show
   * the order yet, how long before the fill lists again and may post: Honeybee has no idempotency key.
   */
  HONEYBEE_CREATE_IN_DOUBT_RECHECK: durationMs.default(HONEYBEE_CREATE_IN_DOUBT_RECHECK_MS),

  // Partner backend
  /** Where milestone notifications are POSTed (Standard Webhooks). Unset = notifications are only logged. */
  PARTNER_WEBHOOK_URL: url.optional(),
  /** Standard Webhooks signing secrets, current first; every one signs while a rotation is under way. */
  PARTNER_WEBHOOK_SECRETS: standardWebhookSecrets.default([]),
  /** A notification target failing without a break for this long is disabled; its notifications are kept. */
  PARTNER_WEBHOOK_DISABLE_AFTER: durationMs
    .refine((ms) => ms > 0 && ms < 7 * 86_400_000, {
      message: 'must be under 7d: lab-kit notifications are retried for 7 days and must be parked before that',
    })
    .default(3 * 86_400_000),
  /** The partner's patient directory over HTTP; without it the file directory below is used. */
  PARTNER_DIRECTORY_URL: url.optional(),
  /** The bearer key the engine presents to the partner's directory. */
  PARTNER_DIRECTORY_API_KEY: z.string().min(1).optional(),
  PARTNER_DIRECTORY_FILE: z.string().min(1).optional(),

  // Workflow timing (defaults suit production; tests shorten them)
  HOLD_ESCALATION_AFTER: durationMs.default(4 * 3_600_000),
  HOLD_ESCALATION_REPEAT: durationMs.default(24 * 3_600_000),
  FILL_APPROVAL_TIMEOUT: durationMs.default(72 * 3_600_000),
  ORDER_RECONCILE_INTERVAL: durationMs.default(6 * 3_600_000),
  /** The reconciliation sweep on or off; off removes its schedule (e.g. where the server allows no schedules). */
  HONEYBEE_RX_SWEEP: flag.default(true),
  /** How often the reconciliation sweep reads the known Honeybee patients' prescriptions (a Temporal Schedule). */
  HONEYBEE_RX_SWEEP_INTERVAL: durationMs
    .refine((ms) => ms >= 1000, { message: 'must be at least 1s (a Temporal Schedule interval)' })
    .default(3_600_000),
  /** An active prescription received longer ago than this, without a workflow, is left alone by the sweep. */
  HONEYBEE_RX_SWEEP_MAX_AGE: durationMs.default(30 * 86_400_000),
  KIT_ACTIVATION_REMINDER_AFTER: durationMs.default(7 * 86_400_000),
  KIT_ACTIVATION_OPERATOR_AFTER: durationMs.default(21 * 86_400_000),

  // Payload encryption (PHI at rest in Temporal)
  /** `keyId:base64key` pairs, comma-separated; each key 32 bytes. */
  PAYLOAD_KEYS: csv.default([]),
  /** A JSON file `{ "current": "id", "keys": { "id": "base64" } }` instead of PAYLOAD_KEYS. */
  PAYLOAD_KEY_FILE: z.string().min(1).optional(),
  /** Which key encrypts new payloads; defaults to the first key. */
  PAYLOAD_CURRENT_KEY_ID: z.string().min(1).optional(),
  /**
   * Compress payloads before encrypting them when that makes them smaller. Turn it off while processes from before
   * compression still run (they cannot decode compressed payloads); every version since decodes both.
   */
  PAYLOAD_COMPRESSION: flag.default(true),

  // Codec service (decrypts payloads for the Web UI and the `temporal` CLI)
  CODEC_HOST: z.string().min(1).default('127.0.0.1'),
  CODEC_PORT: port.default(DEFAULT_CODEC_PORT),
  /** Origins allowed to call the codec service from a browser (the Temporal Web UI). */
  CODEC_CORS_ORIGINS: csv.default(['http://localhost:8233', 'http://127.0.0.1:8233']),
  /** Static bearer tokens for the CLI and tools: `name:token`, comma-separated. Each may always decode. */
  CODEC_AUTH_TOKENS: namedTokens.default([]),
  /** JWT authentication (the Web UI forwards its user's access token): the identity provider's JWKS, https in production. */
  CODEC_JWKS_URL: url.optional(),
  CODEC_JWT_ISSUER: z.string().min(1).optional(),
  CODEC_JWT_AUDIENCE: z.string().min(1).optional(),
  /**
   * When set, decoding with a JWT needs its CODEC_DECODE_CLAIM to hold one of these values (e.g. a group). Static
   * CODEC_AUTH_TOKENS are not restricted by it: they are issued to tools (the CLI, the audit) that decode by design.
   */
  CODEC_DECODE_ALLOWED: csv.default([]),
  CODEC_DECODE_CLAIM: z.string().min(1).default('groups'),
  /** The bearer token `fulfill audit --codec-endpoint` sends to the codec service. */
  CODEC_CLIENT_TOKEN: z.string().min(1).optional(),

  // Operators
  /** The operator name the CLI records when --operator is not given (default: the OS user). */
  FULFILL_OPERATOR: z.string().min(1).optional(),
  /** How long a console sign-in lasts (a JWT's own expiry ends it sooner). */
  CONSOLE_SESSION_TTL: durationMs.default(8 * 3_600_000),
  /** Failed console sign-ins per client address per CONSOLE_SIGN_IN_RATE_WINDOW; past it, 429 until the window ends. */
  CONSOLE_SIGN_IN_RATE_LIMIT: positiveInt.default(10),
  CONSOLE_SIGN_IN_RATE_WINDOW: durationMs.default(15 * 60_000),

  // Sandbox vendors
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  SANDBOX_PORT: port.default(DEFAULT_SANDBOX_PORT),
  SANDBOX_SEED: z.coerce.number().int().default(1),
  /** Delay between order steps in the sandbox (Processing → Filling → Shipped → Delivered). */
  SANDBOX_STEP_DELAY: durationMs.default(2_000),
  /** Start the sandbox from `dev` even when vendor credentials are set. */
  SANDBOX_FORCE: flag.default(false),
  /** Sandbox webhooks in flight at once per target URL (one order's or kit's events still go one at a time). */
  SANDBOX_WEBHOOK_CONCURRENCY: positiveInt.default(8),
  /** Delivery attempts per sandbox webhook (first try included) before it is marked failed. */
  SANDBOX_WEBHOOK_ATTEMPTS: positiveInt.default(8),
  /** Wait before the first redelivery; doubles per attempt up to SANDBOX_WEBHOOK_BACKOFF_MAX. */
  SANDBOX_WEBHOOK_BACKOFF: durationMs.default(1_000),
  SANDBOX_WEBHOOK_BACKOFF_MAX: durationMs.default(5 * 60_000),
  /** A delivery attempt that has no answer after this counts as failed (and is redelivered). */
  SANDBOX_WEBHOOK_TIMEOUT: durationMs.default(10_000),

  // Worker tuning (docs/PERFORMANCE.md, "Worker tuning"); the defaults are the Temporal SDK's
  /**
   * Workflow runs kept in the worker's sticky cache (an engine run ≈ 370 KiB of RSS, docs/PERFORMANCE.md): `auto` (or
   * unset) lets the SDK size it from V8's heap limit; a number caps memory, at the price of a replay when an evicted
   * workflow wakes; 0 turns it off.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z
    .string()
    .transform((value, ctx) => {
      const text = value.trim();
      if (text === 'auto') return undefined;
      if (/^\d+$/.test(text)) return Number(text);
      ctx.addIssue({ code: 'custom', message: 'expected auto or a whole number of workflows' });
      return z.NEVER;
    })
    .optional(),
  /** Workflow tasks the worker runs at once (at least 2 while the cache is on). */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt.default(40),
  /** Activities the worker runs at once (vendor and partner calls: mostly waiting on the network). */
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(100),
  /** How long a workflow's next task waits for the worker that has it cached before any worker may take it. */
  WORKER_STICKY_QUEUE_TIMEOUT: durationMs.default(10_000),

  // Worker observability
  /** The worker's /metrics (engine + Temporal SDK), /healthz and /readyz; `off` serves nothing and exports no metrics. */
  WORKER_METRICS_PORT: listenAddress.default({ host: '127.0.0.1', port: 9464 }),

  // Logging
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type ParsedEnv = z.infer<typeof envSchema>;

/** Checks across variables, run after each variable parsed on its own. */
function crossFieldProblems(config: ParsedEnv): { variable: string; message: string }[] {
  const problems: { variable: string; message: string }[] = [];
  if (config.CODEC_JWKS_URL) {
    for (const variable of ['CODEC_JWT_ISSUER', 'CODEC_JWT_AUDIENCE'] as const) {
      if (!config[variable]) problems.push({ variable, message: 'required with CODEC_JWKS_URL' });
    }
  }
  if (config.WORKER_MAX_CACHED_WORKFLOWS !== 0 && config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS < 2) {
    problems.push({
      variable: 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
      message: 'must be at least 2 while the workflow cache is on (WORKER_MAX_CACHED_WORKFLOWS is not 0)',
    });
  }
  // Checked here, not by one process: whoever can rewrite a plain-http JWKS on its way from the identity provider can
  // mint tokens that the codec service (decrypts PHI) and the console (acts as an operator) both accept.
  if (config.CODEC_JWKS_URL && !isDevelopment(config) && new URL(config.CODEC_JWKS_URL).protocol !== 'https:') {
    problems.push({
      variable: 'CODEC_JWKS_URL',
      message:
        'must be https in production: the keys it serves decide who may decrypt (ENGINE_ENV=development allows http)',
    });
  }
  if (config.CODEC_DECODE_ALLOWED.length > 0 && !config.CODEC_JWKS_URL) {
    problems.push({ variable: 'CODEC_DECODE_ALLOWED', message: 'a claim allow-list needs CODEC_JWKS_URL' });
  }
  return problems;
}

/** Variables that were renamed: setting the old name stops the process with what to write instead. */
export const RENAMED_VARIABLES: Readonly<Record<string, string>> = {
  CODEC_AUTH_TOKEN: 'CODEC_AUTH_TOKENS (name:token entries; the CLI sends CODEC_CLIENT_TOKEN)',
  PARTNER_WEBHOOK_SECRET: 'PARTNER_WEBHOOK_SECRETS (a comma-separated list, current secret first)',
};

/** The environment as parsed, with the Temporal connection resolved (variables, then profile file, then defaults). */
export type EngineConfig = Omit<ParsedEnv, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE' | 'BRIDGE_PUBLIC_URL'> & {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
  BRIDGE_PUBLIC_URL: string;
};
export type EnvName = keyof typeof envSchema.shape;
export const ENV_NAMES = Object.keys(envSchema.shape) as EnvName[];

export class ConfigError extends Error {
  readonly problems: readonly { variable: string; message: string }[];

  constructor(problems: readonly { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}\n` +
        'See .env.example for every variable and its default.',
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Reads the engine's configuration from an environment (process.env by default). Empty strings count as unset, so
 * `FOO=` in a .env file falls back to the default. Throws a ConfigError naming every wrong variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const relevant: Record<string, string> = {};
  for (const name of ENV_NAMES) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') relevant[name] = value;
  }
  const renamed = Object.entries(RENAMED_VARIABLES).flatMap(([old, replacement]) =>
    env[old]?.trim() ? [{ variable: old, message: `renamed: set ${replacement}` }] : [],
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError([
      ...renamed,
      ...parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.message,
      })),
    ]);
  }
  const temporal = applyTemporalProfile(parsed.data, env);
  const problems = [...renamed, ...crossFieldProblems(parsed.data), ...temporal.problems];
  if (problems.length > 0) throw new ConfigError(problems);
  const bridgePublicUrl = parsed.data.BRIDGE_PUBLIC_URL ?? `http://127.0.0.1:${parsed.data.BRIDGE_PORT}`;
  return { ...parsed.data, ...temporal.settings, BRIDGE_PUBLIC_URL: bridgePublicUrl };
}

export function isDevelopment(config: Pick<EngineConfig, 'ENGINE_ENV'>): boolean {
  return config.ENGINE_ENV === 'development';
}

/** The outbound URLs that carry PHI or secrets: vendors, their token endpoints, and the partner's backend. */
const OUTBOUND_URLS = [
  'HONEYBEE_API_URL',
  'HONEYBEE_TOKEN_URL',
  'ONEGEVITY_API_URL',
  'PARTNER_DIRECTORY_URL',
  'PARTNER_WEBHOOK_URL',
] as const satisfies readonly EnvName[];

/**
 * Outside development every outbound URL must be https (the process that calls them, the worker, checks at start).
 * Throws a ConfigError naming each plain-http URL.
 */
export function requireHttpsOutsideDevelopment(config: EngineConfig): void {
  if (isDevelopment(config)) return;
  const problems = OUTBOUND_URLS.flatMap((variable) => {
    const value = config[variable];
    return value && new URL(value).protocol !== 'https:'
      ? [{ variable, message: 'must be https in production (ENGINE_ENV=development allows http, e.g. the sandbox)' }]
      : [];
  });
  if (problems.length > 0) throw new ConfigError(problems);
}

/** The Honeybee webhook URL as configured at the vendor: explicit, else derived from the bridge's public URL. */
export function honeybeeWebhookUrl(config: EngineConfig): string {
  return config.HONEYBEE_WEBHOOK_URL ?? new URL('/webhooks/honeybee', config.BRIDGE_PUBLIC_URL).toString();
}

/** The Onegevity webhook URL as registered at the vendor: explicit, else derived from the bridge's public URL. */
export function onegevityWebhookUrl(config: EngineConfig): string {
  return config.ONEGEVITY_WEBHOOK_URL ?? new URL('/webhooks/onegevity', config.BRIDGE_PUBLIC_URL).toString();
}

/** The partner directory file: explicit, else `{DATA_DIR}/partner-directory.json`. */
export function partnerDirectoryFile(config: EngineConfig): string {
  return config.PARTNER_DIRECTORY_FILE ?? join(config.DATA_DIR, 'partner-directory.json');
}

/** The bridge's webhook spool: explicit, else `{DATA_DIR}/webhook-spool`. */
export function webhookSpoolDir(config: EngineConfig): string {
  return config.BRIDGE_SPOOL_DIR ?? join(config.DATA_DIR, 'webhook-spool');
}

/** True when real vendor credentials are configured; `dev` then does not start the sandbox. */
export function hasRealVendorCredentials(config: EngineConfig): boolean {
  return (
    Boolean(config.HONEYBEE_CLIENT_ID && config.HONEYBEE_CLIENT_SECRET) ||
    Boolean(config.ONEGEVITY_CLIENT_ID && config.ONEGEVITY_CLIENT_SECRET)
  );
}
