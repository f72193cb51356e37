/** The outcome of authenticating one webhook. The reason is for our logs: callers answer every failure alike. */
export type WebhookAuthResult = { ok: true } | { ok: false; reason: 'missing' | 'mismatch' | 'not-configured' };
