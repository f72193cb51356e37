// A webhook receiver for sandbox tests: records every request with its raw bytes and headers, and answers with the
// statuses a test scripts (then 200), optionally after a delay, so redelivery and timeouts can be observed.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: Record<string, unknown>;
  /** The status this receiver answered with. */
  answered: number;
}

export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  received: ReceivedWebhook[];
  /** Answer the next requests with these statuses (in order), then 200 again. */
  answerNext(...statuses: number[]): void;
  /** Hold every answer this long (real time), e.g. to provoke the sender's timeout. */
  delayAnswers(ms: number): void;
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const scripted: number[] = [];
  let delayMs = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const status = scripted.shift() ?? 200;
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        json = {};
      }
      const answer = () => {
        received.push({
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          body,
          json,
          answered: status,
        });
        if (!response.destroyed) response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      };
      if (delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, delayMs);
        timers.add(timer);
      } else {
        answer();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answerNext: (...statuses) => scripted.push(...statuses),
    delayAnswers: (ms) => {
      delayMs = ms;
    },
    waitFor: async (predicate, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) {
          throw new Error(
            `webhook receiver: condition not met within ${timeoutMs} ms; received ` +
              JSON.stringify(received.map((r) => r.json.event_type ?? r.headers['x-onegevity-topic'])),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
