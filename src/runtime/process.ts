// Shared start-up for the engine's processes (worker, bridge, sandbox, codec): configuration errors print one clear
// message and exit 2, wherever in the start they are found; a process announces readiness with one JSON log line
// `{"msg":"ready", ...}` that `fulfill dev` and the test harness wait for.
import { ConfigError, loadConfig, type EngineConfig } from '../config/env.js';

/** Loads the configuration and runs a process's own checks on it (e.g. https outside development). */
export function loadConfigOrExit(
  env: NodeJS.ProcessEnv = process.env,
  ...checks: ((config: EngineConfig) => void)[]
): EngineConfig {
  try {
    const config = loadConfig(env);
    for (const check of checks) check(config);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/**
 * A failure to start that one sentence explains to whoever runs the process (Temporal unreachable, a port taken):
 * runMain logs the sentence without a stack and exits 1.
 */
export class StartFailure extends Error {
  override name = 'StartFailure';
}

/**
 * Runs `main`. A ConfigError (the key ring, the OTEL_* variables and other checks run after loadConfigOrExit) prints
 * its message and exits 2, as loadConfigOrExit does; any other failure is one JSON line on stderr (the logs' shape;
 * with the stack unless it is a StartFailure) and exit code 1.
 */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    const err =
      error instanceof Error
        ? { type: error.name, message: error.message, stack: error.stack }
        : { message: String(error) };
    const line = {
      level: 60,
      time: new Date().toISOString(),
      component: name,
      msg: `${name} failed: ${err.message}`,
      // A StartFailure's sentence is the whole story: a stack would only bury it.
      ...(error instanceof StartFailure ? {} : { err }),
    };
    process.stderr.write(`${JSON.stringify(line)}\n`);
    process.exit(1);
  });
}

/** Calls `stop` on the first SIGINT or SIGTERM, then exits; later signals wait for the same stop. */
export function onShutdownSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        process.stderr.write(`shutdown after ${signal} failed: ${String(error)}\n`);
        process.exit(1);
      });
  };
  // Not once: a second signal while stopping (Ctrl-C again, or the same one passed on by npm or tsx) would find no
  // listener and end the process before `stop` has drained it.
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/**
 * The readiness line `fulfill dev`, the tests and the benchmarks wait for. Written straight to stdout, not through the
 * logger, so it appears whatever LOG_LEVEL is (a quiet process must still be seen to start).
 */
export function announceReady(component: string, fields: Record<string, string | number>): void {
  // The shape of the process's pino lines (level 30 is info), so every line a process writes reads the same way.
  const line = { level: 30, time: new Date().toISOString(), component, msg: 'ready', ...fields };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
