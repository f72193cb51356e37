// The codec endpoint for the Temporal Web UI (and `temporal` CLI `--codec-endpoint`): the UI posts encrypted payloads to
// /codec/decode to show them, and an operator's signal input to /codec/encode before sending it. It decrypts PHI for
// whoever may call it, so it answers only allowed browser origins (CORS) and, when CODEC_AUTH_TOKEN is set, only callers
// with that bearer token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { constantTimeEqual } from '../vendors/shared/constant-time.js';

export interface CodecRouteOptions {
  codec: PayloadCodec;
  allowedOrigins: readonly string[];
  authToken?: string;
}

/** The codec server protocol: payloads in proto3 JSON form (metadata values and data base64). */
const payloadsBodySchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), z.string()).optional(),
      data: z.string().optional(),
    }),
  ),
});

type JsonPayload = z.infer<typeof payloadsBodySchema>['payloads'][number];

function fromJson(payload: JsonPayload): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) metadata[key] = Buffer.from(value, 'base64');
  return { metadata, data: Buffer.from(payload.data ?? '', 'base64') };
}

function toJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    if (value) metadata[key] = Buffer.from(value).toString('base64');
  }
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

function applyCors(request: FastifyRequest, reply: FastifyReply, allowedOrigins: readonly string[]): void {
  const origin = request.headers.origin;
  if (origin && allowedOrigins.includes(origin)) {
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    reply.header('access-control-allow-methods', 'POST, OPTIONS');
    reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization');
    reply.header('access-control-max-age', '600');
  }
  reply.header('vary', 'origin');
}

export function registerCodecRoutes(app: FastifyInstance, options: CodecRouteOptions): void {
  const authorized = (request: FastifyRequest): boolean => {
    if (!options.authToken) return true;
    const header = request.headers.authorization ?? '';
    return constantTimeEqual(header, `Bearer ${options.authToken}`);
  };

  for (const operation of ['encode', 'decode'] as const) {
    const path = `/codec/${operation}`;
    app.options(path, async (request, reply) => {
      applyCors(request, reply, options.allowedOrigins);
      return reply.code(204).send();
    });
    app.post(path, async (request, reply) => {
      applyCors(request, reply, options.allowedOrigins);
      const origin = request.headers.origin;
      if (origin && !options.allowedOrigins.includes(origin)) {
        return reply
          .code(403)
          .send({ error: { code: 'origin_not_allowed', message: 'origin not in CODEC_CORS_ORIGINS' } });
      }
      if (!authorized(request)) {
        return reply
          .code(401)
          .send({ error: { code: 'unauthorized', message: 'codec endpoint requires a bearer token' } });
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
      } catch {
        return reply.code(400).send({ error: { code: 'malformed_json', message: 'the body is not valid JSON' } });
      }
      const parsed = payloadsBodySchema.safeParse(body);
      if (!parsed.success) {
        return reply.code(400).send({
          error: { code: 'invalid_payloads', message: 'expected {"payloads": [{"metadata": {…}, "data": "…"}]}' },
        });
      }
      const payloads = parsed.data.payloads.map(fromJson);
      try {
        const result =
          operation === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
        return reply.send({ payloads: result.map(toJson) });
      } catch (error) {
        request.log.warn(
          { operation, error: error instanceof Error ? error.name : 'unknown' },
          'codec operation failed',
        );
        return reply
          .code(422)
          .send({ error: { code: 'codec_failed', message: error instanceof Error ? error.message : 'codec failed' } });
      }
    });
  }
}
