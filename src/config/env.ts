// The one schema for the engine's environment. Every process (worker, bridge, sandbox, CLI) reads its
// configuration through `loadConfig`, so a wrong value fails at start with a message naming the variable.
// `.env.example` documents every variable below; test/unit/config.test.ts keeps the two in step.
import { join } from 'node:path';
import { z } from 'zod';

const DEFAULT_BRIDGE_PORT = 3000;
const DEFAULT_SANDBOX_PORT = 4010;

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
  // Temporal
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('fulfillment'),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_TEST_SERVER_PATH: z.string().min(1).optional(),
  /** A workflow bundle built ahead of time (`npm run build`); without it the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),

  // Files
  DATA_DIR: z.string().min(1).default('.data'),

  // Bridge (webhooks in, partner API, codec endpoint)
  BRIDGE_HOST: z.string().min(1).default('127.0.0.1'),
  BRIDGE_PORT: port.default(DEFAULT_BRIDGE_PORT),
  /** The bridge's public base URL, as the vendors see it. Honeybee signs the full webhook URL. */
  BRIDGE_PUBLIC_URL: url.default(`http://127.0.0.1:${DEFAULT_BRIDGE_PORT}`),
  BRIDGE_BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
  /** Bearer keys accepted by the partner API, comma-separated. Required by the bridge outside the sandbox. */
  PARTNER_API_KEYS: csv.default([]),

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

  // Vendor HTTP behaviour
  VENDOR_HTTP_TIMEOUT: durationMs.default(10_000),

  // Partner backend
  /** Where milestone notifications are POSTed (Standard Webhooks). Unset = notifications are only logged. */
  PARTNER_WEBHOOK_URL: url.optional(),
  /** Standard Webhooks signing secret (`whsec_` + base64). */
  PARTNER_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** The partner's patient directory over HTTP; without it the file directory below is used. */
  PARTNER_DIRECTORY_URL: url.optional(),
  PARTNER_DIRECTORY_FILE: z.string().min(1).optional(),

  // Workflow timing (defaults suit production; tests shorten them)
  HOLD_ESCALATION_AFTER: durationMs.default(4 * 3_600_000),
  HOLD_ESCALATION_REPEAT: durationMs.default(24 * 3_600_000),
  FILL_APPROVAL_TIMEOUT: durationMs.default(72 * 3_600_000),
  ORDER_RECONCILE_INTERVAL: durationMs.default(6 * 3_600_000),
  KIT_ACTIVATION_REMINDER_AFTER: durationMs.default(7 * 86_400_000),
  KIT_ACTIVATION_OPERATOR_AFTER: durationMs.default(21 * 86_400_000),

  // Payload encryption (PHI at rest in Temporal)
  /** `keyId:base64key` pairs, comma-separated; each key 32 bytes. */
  PAYLOAD_KEYS: csv.default([]),
  /** A JSON file `{ "current": "id", "keys": { "id": "base64" } }` instead of PAYLOAD_KEYS. */
  PAYLOAD_KEY_FILE: z.string().min(1).optional(),
  /** Which key encrypts new payloads; defaults to the first key. */
  PAYLOAD_CURRENT_KEY_ID: z.string().min(1).optional(),
  /** Origins allowed to call the codec endpoint (the Temporal Web UI). */
  CODEC_CORS_ORIGINS: csv.default(['http://localhost:8233', 'http://127.0.0.1:8233']),
  /** When set, the codec endpoint requires `Authorization: Bearer <token>`. */
  CODEC_AUTH_TOKEN: z.string().min(1).optional(),

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

  // Worker observability
  /** The worker's /metrics (engine + Temporal SDK), /healthz and /readyz; `off` serves nothing and exports no metrics. */
  WORKER_METRICS_PORT: listenAddress.default({ host: '127.0.0.1', port: 9464 }),

  // Logging
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type EngineConfig = z.infer<typeof envSchema>;
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
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.message,
      })),
    );
  }
  return parsed.data;
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

/** True when real vendor credentials are configured; `dev` then does not start the sandbox. */
export function hasRealVendorCredentials(config: EngineConfig): boolean {
  return (
    Boolean(config.HONEYBEE_CLIENT_ID && config.HONEYBEE_CLIENT_SECRET) ||
    Boolean(config.ONEGEVITY_CLIENT_ID && config.ONEGEVITY_CLIENT_SECRET)
  );
}
