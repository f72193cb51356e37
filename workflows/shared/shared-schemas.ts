// Schemas built once per worker thread instead of once per workflow run. The SDK evaluates the bundle's modules again
// for every run it starts or replays (each run gets its own module state), and building the engine's zod schemas at
// module level was most of a run's start: about 20 ms of the worker's CPU per run, 40 ms per prescription
// (docs/PERFORMANCE.md). The worker preloads this module (src/temporal/workflow-bundle.ts, `preloadModules`), so the
// map below outlives a run and every run on the thread reads the schemas the first one built. Only values no workflow
// changes belong here; zod schemas are immutable once built (their lazy caches are deterministic). Without the preload
// (another bundler, `reuseV8Context` off), each run has its own map and builds its schemas, as before.
const built = new Map<string, unknown>();

/** The schema under `key` (`module:name`, unique in the bundle: a unit test checks), built by `build` the first time. */
export function sharedSchema<T>(key: string, build: () => T): T {
  if (built.has(key)) return built.get(key) as T;
  const schema = build();
  built.set(key, schema);
  return schema;
}
