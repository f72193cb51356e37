// The engine's own vendor clients pointed at a test sandbox (the contract tests' subject), and a helper that expects a
// classified VendorError. Credentials default to the ones the sandbox was started with (the dev credentials unless a
// test overrides them).
import {
  createHoneybeeClientParts,
  type HoneybeeClientOptions,
  type HoneybeeClientParts,
} from '../../src/vendors/honeybee/client.js';
import {
  createOnegevityClientParts,
  type OnegevityClientOptions,
  type OnegevityClientParts,
} from '../../src/vendors/onegevity/client.js';
import { isVendorError, type VendorError } from '../../src/vendors/shared/vendor-error.js';
import type { TestSandbox } from './sandbox.js';

/** Long enough for a loaded CI machine, short enough that a hung request fails the test rather than the run. */
const CLIENT_TIMEOUT_MS = 10_000;

export function honeybeeClientFor(
  sandbox: TestSandbox,
  options: Partial<HoneybeeClientOptions> = {},
): HoneybeeClientParts {
  return createHoneybeeClientParts({
    apiUrl: `${sandbox.url}/honeybee/v1`,
    tokenUrl: `${sandbox.url}/honeybee/oauth/token`,
    clientId: sandbox.config.HONEYBEE_CLIENT_ID as string,
    clientSecret: sandbox.config.HONEYBEE_CLIENT_SECRET as string,
    tokenAuth: 'basic',
    timeoutMs: CLIENT_TIMEOUT_MS,
    ...options,
  });
}

export function onegevityClientFor(
  sandbox: TestSandbox,
  options: Partial<OnegevityClientOptions> = {},
): OnegevityClientParts {
  return createOnegevityClientParts({
    apiUrl: `${sandbox.url}/onegevity`,
    clientId: sandbox.config.ONEGEVITY_CLIENT_ID as string,
    clientSecret: sandbox.config.ONEGEVITY_CLIENT_SECRET as string,
    tokenAuth: 'basic',
    scopes: sandbox.config.ONEGEVITY_SCOPES,
    timeoutMs: CLIENT_TIMEOUT_MS,
    ...options,
  });
}

/** Awaits a call that must fail with a VendorError, and returns the error for the test to inspect. */
export async function vendorErrorOf(call: Promise<unknown>): Promise<VendorError> {
  let outcome: unknown;
  try {
    outcome = await call;
  } catch (error) {
    if (isVendorError(error)) return error;
    throw new Error(`expected a VendorError, got ${String(error)}`, { cause: error });
  }
  throw new Error(`expected a VendorError, but the call succeeded with ${JSON.stringify(outcome)}`);
}
