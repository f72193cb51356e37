// Webhooks to the engine's bridge, signed as the vendor signs them.
import { signOnegevityWebhook } from '../../src/vendors/onegevity/webhook-auth.js';

/** POSTs one Onegevity webhook to the bridge with a valid signature; the bridge's answer status. */
export async function postOnegevityWebhook(
  bridgeUrl: string,
  secret: string,
  topic: string,
  body: string,
): Promise<number> {
  const response = await fetch(`${bridgeUrl}/webhooks/onegevity/${topic}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-onegevity-signature': signOnegevityWebhook(secret, Buffer.from(body)),
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}
