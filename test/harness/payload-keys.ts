// The payload encryption key every test process shares (engine child processes get it through engineEnv), so tests
// and engine processes decode each other's payloads. A fixed, public test key: never use it anywhere else.
import type { PayloadKeyConfig } from '../../src/crypto/payload-keys.js';

export const TEST_PAYLOAD_KEYS = 'test-key-1:dGVzdC1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q=';

export const testPayloadKeyConfig: PayloadKeyConfig = {
  PAYLOAD_KEYS: [TEST_PAYLOAD_KEYS],
  PAYLOAD_KEY_FILE: undefined,
  PAYLOAD_CURRENT_KEY_ID: undefined,
};
