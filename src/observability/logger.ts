// Structured JSON logs (pino). Log lines carry ids (workflow ids, vendor request ids, event ids) and never PHI or
// secrets: callers pass only those. The redaction list is a second line of defence for fields that must never appear
// even if an object is logged by mistake. A line written inside a trace carries its `trace_id` and `span_id` (the
// names the Temporal interceptors use on workflow and activity log lines).
import { context, trace } from '@opentelemetry/api';
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Field names that may hold PHI or secrets, wherever they sit in a logged object (two levels deep). */
const SENSITIVE_FIELDS = [
  'first_name',
  'last_name',
  'firstName',
  'lastName',
  'name',
  'dob',
  'dateOfBirth',
  'email',
  'phone',
  'phoneNumber',
  'address',
  'street1',
  'street2',
  'streetAddress1',
  'streetAddress2',
  'shippingAddress',
  'patientInformation',
  'patient',
  'authorization',
  'access_token',
  'client_secret',
  'password',
  'secret',
  'token',
  'body',
  'rawBody',
];

// Top level and one level down: deeper wildcards multiply the cost of every log line (measured on the bridge's hot
// path), and nothing logs nested objects that deep.
export const REDACT_PATHS = [
  ...SENSITIVE_FIELDS,
  ...SENSITIVE_FIELDS.map((field) => `*.${field}`),
  'req.headers.authorization',
  'req.headers["x-honeybee-signature"]',
  'req.headers["x-honeybee-secret"]',
  'req.headers["x-onegevity-signature"]',
];

/** The current span's ids, for the log line being written (none outside a trace, or with tracing off). */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

export function createLogger(component: string, level: LevelWithSilent = 'info'): Logger {
  return pino(
    {
      level,
      base: { component },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: traceFields,
    },
    // Asynchronous writes: a synchronous write per line was a fifth of the bridge's CPU under load. pino flushes on
    // a normal exit.
    pino.destination({ dest: 1, sync: false }),
  );
}
