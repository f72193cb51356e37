// A programmable fake vendor: a real HTTP server on 127.0.0.1, port 0, answering each request from a script. Tests
// of the vendor clients run against it over real sockets (no request interception), so timeouts, dropped
// connections and headers behave as they do against the vendor.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export type ScriptedReply =
  /**
   * `body`: a string or Buffer is sent as is; anything else as JSON. Every answer carries `X-Request-Id: req-<n>`
   * unless `headers` sets another or `omitRequestId` is true.
   */
  | { status: number; headers?: Record<string, string>; body?: unknown; omitRequestId?: boolean }
  /** Accept the request and never answer (the client's timeout must fire). */
  | { hang: true }
  /** Destroy the connection without an answer. */
  | { drop: true };

export type ScriptedHandler = (request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** Answer every `method path` with `handler` (the latest registration wins). */
  route(method: string, path: string, handler: ScriptedHandler | ScriptedReply): void;
  /** Answer the next requests to `method path` with these replies, in order, before falling back to the route. */
  queue(method: string, path: string, ...replies: ScriptedReply[]): void;
  requestsTo(method: string, path: string): RecordedRequest[];
  close(): Promise<void>;
}

function key(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const routes = new Map<string, ScriptedHandler>();
  const queues = new Map<string, ScriptedReply[]>();
  const requests: RecordedRequest[] = [];
  let served = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks);
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        url,
        headers: req.headers,
        body,
        text: body.toString('utf8'),
      };
      requests.push(recorded);
      const id = key(recorded.method, recorded.path);
      const queued = queues.get(id)?.shift();
      const handler = routes.get(id);
      const replyPromise: Promise<ScriptedReply> = queued
        ? Promise.resolve(queued)
        : handler
          ? Promise.resolve(handler(recorded))
          : Promise.resolve({ status: 418, body: { error: `no script for ${id}` } });
      replyPromise
        .then((reply) => {
          if ('hang' in reply) return;
          if ('drop' in reply) {
            req.socket.destroy();
            return;
          }
          served += 1;
          const headers: Record<string, string> = {
            ...(reply.omitRequestId ? {} : { 'x-request-id': `req-${served}` }),
            ...reply.headers,
          };
          let payload: Buffer | undefined;
          if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) {
            payload = Buffer.from(reply.body);
          } else if (reply.body !== undefined) {
            payload = Buffer.from(JSON.stringify(reply.body));
            headers['content-type'] ??= 'application/json; charset=utf-8';
          }
          res.writeHead(reply.status, headers);
          res.end(payload);
        })
        .catch((error: unknown) => {
          res.writeHead(599);
          res.end(String(error));
        });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(method, path, handler) {
      routes.set(key(method, path), typeof handler === 'function' ? handler : () => handler);
    },
    queue(method, path, ...replies) {
      const id = key(method, path);
      queues.set(id, [...(queues.get(id) ?? []), ...replies]);
    },
    requestsTo(method, path) {
      return requests.filter((request) => request.method === method.toUpperCase() && request.path === path);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
