// A request the bridge refuses before any route is looked up (a method that carries a body, sent without a
// Content-Type: QUERY, say) is a 4xx in the bridge's error shape, never a 500.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildBridge } from '../../../src/bridge/server.js';
import { loadConfig } from '../../../src/config/env.js';
import { createLazyClient } from '../../../src/temporal/client.js';

describe('the bridge before routing', () => {
  it('answers a QUERY without a Content-Type 415, and an unknown method 404', async () => {
    const config = loadConfig({
      PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      PARTNER_API_KEYS: 'a:admin:0123456789abcdef0123',
    });
    const app = buildBridge({ config, client: createLazyClient(config), logger: pino({ level: 'silent' }) });
    try {
      const headers = { authorization: 'Bearer 0123456789abcdef0123' };
      const query = await app.inject({ method: 'QUERY' as never, url: '/api/events', headers });
      expect(query.statusCode).toBe(415);
      expect(query.json()).toEqual({
        error: {
          code: 'unsupported_media_type',
          message: 'a request with a body needs Content-Type: application/json',
        },
      });
      const trace = await app.inject({ method: 'TRACE', url: '/api/events', headers });
      expect(trace.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
