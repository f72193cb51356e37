// Schemas, and zod itself, built once per worker thread instead of once per workflow run. The SDK evaluates the
// bundle's modules again for every run it starts or replays (each run gets its own module state), so zod and the
// engine's schemas, built at module level, were evaluated for every run: about 20 ms of the worker's CPU per run, and
// they stayed in memory with every cached run (docs/PERFORMANCE.md). The worker preloads this module
// (src/temporal/workflow-bundle.ts, `preloadModules`), so what it keeps outlives a run and every run on the thread
// reads what the first one built. Only values no workflow changes belong here; zod schemas are immutable once built
// (their lazy caches are deterministic). Without the preload (another bundler, `reuseV8Context` off), each run has its
// own copy of this module and builds its schemas, as before.
import type { z as Zod } from 'zod';

const built = new Map<string, unknown>();
let zod: typeof Zod | undefined;

/** The schema under `key` (`module:name`, unique in the bundle: a unit test checks), built by `build` the first time. */
export function sharedSchema<T>(key: string, build: () => T): T {
  if (built.has(key)) return built.get(key) as T;
  const schema = build();
  built.set(key, schema);
  return schema;
}

/**
 * zod for the workflow bundle, where `zod` resolves to workflows/shared/zod.ts, which asks here: zod is evaluated at
 * the first run's first schema and shared from then on. Inside workflows zod runs `jitless`: otherwise it builds
 * object parsers with `new Function` (and probes whether it may); interpreted parsing gives the same results.
 */
export function sharedZod(): typeof Zod {
  if (zod === undefined) {
    // Required at the first call, inside a run, not imported: this module is preloaded, and the SDK deep-freezes what
    // a preload evaluates, which zod does not survive (it resets its regular expressions' lastIndex).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    zod = (require('zod/v4') as { z: typeof Zod }).z;
    zod.config({ jitless: true });
  }
  return zod;
}
