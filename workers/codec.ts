// The codec service process (src/codec/server.ts): decrypts payloads for the Web UI and the `temporal` CLI on a
// listener of its own (CODEC_HOST:CODEC_PORT, loopback by default). In production it refuses to listen beyond loopback
// without authentication; unauthenticated on loopback it starts and says so.
import { isDevelopment } from '../src/config/env.js';
import { createCodecAuthenticator, isLoopbackHost } from '../src/codec/authentication.js';
import { buildCodecServer } from '../src/codec/server.js';
import { AesGcmPayloadCodec } from '../src/crypto/payload-codec.js';
import { loadPayloadKeyRing } from '../src/crypto/payload-keys.js';
import { createLogger } from '../src/observability/logger.js';
import { announceReady, loadConfigOrExit, onShutdownSignal, runMain } from '../src/runtime/process.js';

runMain('codec', async () => {
  const config = loadConfigOrExit();
  const logger = createLogger('codec', config.LOG_LEVEL);
  // The key ring before anything is said about access: a process that cannot decode must not first announce who may.
  const codec = new AesGcmPayloadCodec(loadPayloadKeyRing(config), { compress: config.PAYLOAD_COMPRESSION });
  const authenticator = createCodecAuthenticator(config);
  const where = `${config.CODEC_HOST}:${config.CODEC_PORT}`;
  if (!authenticator.required) {
    if (!isLoopbackHost(config.CODEC_HOST) && !isDevelopment(config)) {
      process.stderr.write(
        `The codec service decrypts PHI: it will not listen on ${where} (beyond loopback) without authentication. ` +
          "Set CODEC_JWKS_URL with CODEC_JWT_ISSUER and CODEC_JWT_AUDIENCE (the Web UI forwards its users' tokens), " +
          'or CODEC_AUTH_TOKENS, or CODEC_HOST=127.0.0.1.\n',
      );
      process.exit(2);
    }
    logger.warn(
      { host: config.CODEC_HOST, port: config.CODEC_PORT, loopback: isLoopbackHost(config.CODEC_HOST) },
      isLoopbackHost(config.CODEC_HOST)
        ? 'codec service open without authentication, on loopback only: anyone on this machine can decode'
        : 'codec service open without authentication beyond loopback (development): anyone who reaches it can decode',
    );
  }
  const app = buildCodecServer({
    codec,
    authenticator,
    allowedOrigins: config.CODEC_CORS_ORIGINS,
    logger,
  });
  const address = await app.listen({ host: config.CODEC_HOST, port: config.CODEC_PORT });
  announceReady('codec', { url: address, authentication: authenticator.required ? 'required' : 'open' });
  onShutdownSignal(async () => {
    await app.close();
  });
});
