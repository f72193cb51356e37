// Decoding workflow histories for the audit: each event's payloads (inputs, results, failure messages) through the
// payload codec, either the engine's own (keys from PAYLOAD_KEYS / PAYLOAD_KEY_FILE) or the codec service
// (`--codec-endpoint`, the path the Web UI takes), then the default payload converter. Search attributes are plain
// JSON (never encrypted, never PHI). A payload no configured key can decrypt fails the audit with the codec's reason;
// a value the converter cannot read (not JSON, an unknown encoding) becomes an `{ undecodable }` marker naming the event.
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { tsToDate, tsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { payloadToJson, payloadsFromJson, payloadsJsonSchema } from '../../codec/payloads-json.js';
import type { PayloadKeyConfig } from '../../crypto/payload-keys.js';
import { createDataConverter } from '../../temporal/data-converter.js';
import { CommandFailure } from '../temporal-session.js';

type History = proto.temporal.api.history.v1.IHistory;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type Failure = proto.temporal.api.failure.v1.IFailure;

const { EventType } = proto.temporal.api.enums.v1;

/** Turns encoded payloads back into the converter's payloads (decrypted). */
export interface PayloadDecoder {
  /** Where payloads are decoded, for the report ("locally" or the endpoint URL). */
  readonly via: string;
  decode(payloads: Payload[]): Promise<Payload[]>;
}

export function localDecoder(config: PayloadKeyConfig): PayloadDecoder {
  const codecs = createDataConverter(config).payloadCodecs ?? [];
  return {
    via: 'locally, with the configured payload keys',
    async decode(payloads) {
      let result = payloads;
      for (const codec of [...codecs].reverse()) result = await codec.decode(result);
      return result;
    },
  };
}

/** The codec service's `/decode`, as the Web UI calls it (X-Namespace, optional bearer token). */
export function remoteDecoder(endpoint: string, namespace: string, token?: string): PayloadDecoder {
  const url = `${endpoint.replace(/\/+$/, '')}/decode`;
  return {
    via: `through the codec endpoint ${endpoint}`,
    async decode(payloads) {
      if (payloads.length === 0) return [];
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-namespace': namespace,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify({ payloads: payloads.map(payloadToJson) }),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
        throw new CommandFailure(`Cannot reach the codec endpoint ${url}: ${cause}`);
      }
      const text = await response.text();
      if (!response.ok) {
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
        } catch {
          // Not JSON: keep the text.
        }
        throw new CommandFailure(`The codec endpoint ${url} answered ${response.status}: ${message}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const body = payloadsJsonSchema.safeParse(json);
      if (!body.success) throw new CommandFailure(`The codec endpoint ${url} answered something other than payloads`);
      return payloadsFromJson(body.data);
    },
  };
}

/** A failure with its encoded message and stack trace decoded (the failure converter moves them into a payload). */
export interface DecodedFailure {
  message: string;
  type?: string;
  stackTrace?: string;
  cause?: DecodedFailure;
}

/** One history event with what its payloads say. `attributes` is the event's own attributes object, as fetched. */
export interface DecodedEvent {
  eventId: number;
  /** ISO time of the event. */
  at: string;
  /** e.g. `WORKFLOW_EXECUTION_SIGNALED`. */
  type: string;
  attributes: Record<string, unknown>;
  /** Decoded input arguments (workflow, signal, update, activity, continue-as-new). */
  input?: unknown[];
  /** Decoded result (activity, update, workflow). */
  result?: unknown;
  failure?: DecodedFailure;
  /** Search attributes set by this event (start or upsert), as plain values. */
  searchAttributes?: Record<string, unknown>;
}

function toPayloads(payloads: proto.temporal.api.common.v1.IPayload[] | null | undefined): Payload[] {
  return (payloads ?? []).map((payload) => ({
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, value ?? new Uint8Array()]),
    ),
    data: payload.data ?? new Uint8Array(),
  }));
}

function wrapCodecError(error: unknown, eventId: number): never {
  if (error instanceof CommandFailure) throw error;
  const message = error instanceof Error ? error.message : String(error);
  throw new CommandFailure(
    `Cannot decode the payloads of history event ${eventId}: ${message}. ` +
      'Configure every key the history was written with (PAYLOAD_KEYS / PAYLOAD_KEY_FILE), or use --codec-endpoint.',
  );
}

async function decodeValues(
  decoder: PayloadDecoder,
  payloads: proto.temporal.api.common.v1.IPayload[] | null | undefined,
  eventId: number,
): Promise<unknown[]> {
  const raw = toPayloads(payloads);
  if (raw.length === 0) return [];
  let decoded: Payload[];
  try {
    decoded = await decoder.decode(raw);
  } catch (error) {
    wrapCodecError(error, eventId);
  }
  return decoded.map((payload) => fromPayloadOrMarker(payload, eventId));
}

/**
 * What the audit shows in place of a value the converter cannot read. A history holds whatever a client sent (the
 * Web UI lets anyone send `json/plain` text that is not JSON, or any encoding), so one such value must not hide the
 * rest of the story; only a payload the codec cannot decrypt (a missing key) fails the audit. A class, not a shape:
 * a decoded input that merely looks like `{ undecodable }` is not taken for one.
 */
export class UndecodableValue {
  constructor(readonly undecodable: string) {}
}

export function isUndecodable(value: unknown): value is UndecodableValue {
  return value instanceof UndecodableValue;
}

function fromPayloadOrMarker(payload: Payload, eventId: number): unknown {
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch (error) {
    const encoding = payload.metadata?.encoding;
    const encodingName = encoding ? new TextDecoder().decode(encoding) : undefined;
    // The reason names the encoding and the error class only: the data itself may hold PHI and is not echoed.
    const why =
      error instanceof SyntaxError
        ? `not valid JSON for ${encodingName ?? 'its encoding'}`
        : encodingName
          ? `unknown encoding ${JSON.stringify(encodingName.slice(0, 40))}`
          : 'no encoding';
    return new UndecodableValue(`event ${eventId}: ${why}`);
  }
}

async function decodeFailure(
  decoder: PayloadDecoder,
  failure: Failure | null | undefined,
  eventId: number,
  depth = 0,
): Promise<DecodedFailure | undefined> {
  if (!failure) return undefined;
  let message = failure.message ?? '';
  let stackTrace = failure.stackTrace ?? undefined;
  if (failure.encodedAttributes) {
    const [attributes] = await decodeValues(decoder, [failure.encodedAttributes], eventId);
    const encoded = attributes as { message?: unknown; stack_trace?: unknown } | undefined;
    if (typeof encoded?.message === 'string') message = encoded.message;
    if (typeof encoded?.stack_trace === 'string') stackTrace = encoded.stack_trace;
  }
  const type =
    failure.applicationFailureInfo?.type ??
    (failure.timeoutFailureInfo ? 'Timeout' : failure.canceledFailureInfo ? 'Canceled' : undefined);
  const cause = depth < 5 ? await decodeFailure(decoder, failure.cause, eventId, depth + 1) : undefined;
  return {
    message,
    ...(type ? { type } : {}),
    ...(stackTrace ? { stackTrace } : {}),
    ...(cause ? { cause } : {}),
  };
}

function plainSearchAttributes(
  fields: Record<string, proto.temporal.api.common.v1.IPayload> | null | undefined,
  eventId: number,
): Record<string, unknown> | undefined {
  if (!fields || Object.keys(fields).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(fields).map(([key, payload]) => {
      const value = fromPayloadOrMarker(toPayloads([payload])[0]!, eventId);
      return [key, Array.isArray(value) && value.length === 1 ? value[0] : value];
    }),
  );
}

/** The attributes object of an event (exactly one `…EventAttributes` field is set). */
function attributesOf(event: HistoryEvent): Record<string, unknown> {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventAttributes') && value) return value as Record<string, unknown>;
  }
  return {};
}

export function eventTypeName(event: HistoryEvent): string {
  const name = EventType[event.eventType ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED';
  return name.replace(/^EVENT_TYPE_/, '');
}

/** Milliseconds of a protobuf Duration (`startToFireTimeout`), or undefined. */
export function durationMs(value: unknown): number | undefined {
  if (!value || typeof value !== 'object') return undefined;
  try {
    return tsToMs(value);
  } catch {
    return undefined;
  }
}

export async function decodeEvent(event: HistoryEvent, decoder: PayloadDecoder): Promise<DecodedEvent> {
  const eventId = Number(String(event.eventId ?? 0));
  const decoded: DecodedEvent = {
    eventId,
    at: event.eventTime ? tsToDate(event.eventTime).toISOString() : new Date(0).toISOString(),
    type: eventTypeName(event),
    attributes: attributesOf(event),
  };
  const started = event.workflowExecutionStartedEventAttributes;
  if (started) {
    decoded.input = await decodeValues(decoder, started.input?.payloads, eventId);
    const searchAttributes = plainSearchAttributes(started.searchAttributes?.indexedFields, eventId);
    if (searchAttributes) decoded.searchAttributes = searchAttributes;
  }
  const signaled = event.workflowExecutionSignaledEventAttributes;
  if (signaled) decoded.input = await decodeValues(decoder, signaled.input?.payloads, eventId);
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (scheduled) decoded.input = await decodeValues(decoder, scheduled.input?.payloads, eventId);
  const activityStarted = event.activityTaskStartedEventAttributes;
  if (activityStarted?.lastFailure) {
    decoded.failure = await decodeFailure(decoder, activityStarted.lastFailure, eventId);
  }
  const completed = event.activityTaskCompletedEventAttributes;
  if (completed) [decoded.result] = await decodeValues(decoder, completed.result?.payloads, eventId);
  const failed = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
  if (failed) decoded.failure = await decodeFailure(decoder, failed.failure, eventId);
  const accepted = event.workflowExecutionUpdateAcceptedEventAttributes;
  if (accepted) decoded.input = await decodeValues(decoder, accepted.acceptedRequest?.input?.args?.payloads, eventId);
  const updateCompleted = event.workflowExecutionUpdateCompletedEventAttributes;
  if (updateCompleted?.outcome?.success) {
    [decoded.result] = await decodeValues(decoder, updateCompleted.outcome.success.payloads, eventId);
  }
  if (updateCompleted?.outcome?.failure) {
    decoded.failure = await decodeFailure(decoder, updateCompleted.outcome.failure, eventId);
  }
  const workflowCompleted = event.workflowExecutionCompletedEventAttributes;
  if (workflowCompleted) [decoded.result] = await decodeValues(decoder, workflowCompleted.result?.payloads, eventId);
  const workflowFailed = event.workflowExecutionFailedEventAttributes;
  if (workflowFailed) decoded.failure = await decodeFailure(decoder, workflowFailed.failure, eventId);
  const continued = event.workflowExecutionContinuedAsNewEventAttributes;
  if (continued) {
    decoded.input = await decodeValues(decoder, continued.input?.payloads, eventId);
    if (continued.failure) decoded.failure = await decodeFailure(decoder, continued.failure, eventId);
  }
  const terminated = event.workflowExecutionTerminatedEventAttributes;
  if (terminated) decoded.input = await decodeValues(decoder, terminated.details?.payloads, eventId);
  const taskFailed = event.workflowTaskFailedEventAttributes;
  if (taskFailed) decoded.failure = await decodeFailure(decoder, taskFailed.failure, eventId);
  const upsert = event.upsertWorkflowSearchAttributesEventAttributes;
  if (upsert) {
    const searchAttributes = plainSearchAttributes(upsert.searchAttributes?.indexedFields, eventId);
    if (searchAttributes) decoded.searchAttributes = searchAttributes;
  }
  return decoded;
}

export async function decodeHistory(history: History, decoder: PayloadDecoder): Promise<DecodedEvent[]> {
  const events: DecodedEvent[] = [];
  for (const event of history.events ?? []) events.push(await decodeEvent(event, decoder));
  return events;
}
