// Values the global setups hand to test files through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the run's Temporal dev server (integration project). */
    temporalAddress: string;
    temporalNamespace: string;
    /** The workflow bundle built once per run. */
    workflowBundlePath: string;
    /** The cluster project's cluster (test/cluster/global-setup.ts): its folder, whose state file says the rest. */
    clusterRoot: string;
    /** The resilience run's seed (RESILIENCE_SEED or a fresh one), shared by its files. */
    resilienceSeed: number;
  }
}
export {};
