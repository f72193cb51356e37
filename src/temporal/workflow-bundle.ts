// One way to bundle the workflows, shared by the build, the test harness and the benchmarks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';
import { workflowInterceptorsPath } from '../observability/temporal-tracing.js';
import { PROJECT_ROOT } from './binaries.js';
import { failureConverterPath } from './data-converter.js';

/** A module of workflows/, as source (a checkout, run through tsx) or compiled (a build). */
function workflowsModule(...path: string[]): string {
  const ts = join(PROJECT_ROOT, 'workflows', ...path) + '.ts';
  return existsSync(ts) ? ts : join(PROJECT_ROOT, 'workflows', ...path) + '.js';
}

export function workflowsEntry(): string {
  return workflowsModule('index');
}

/**
 * How the workflows are bundled, wherever they are (the worker from source, the build, tests, benchmarks): the schema
 * cache is preloaded, evaluated once and shared by every workflow run on the thread instead of once per run, and
 * `zod` resolves to the module that hands out the thread's one zod (workflows/shared/shared-schemas.ts says why).
 */
export function workflowBundlerOptions(): Pick<BundleOptions, 'preloadModules' | 'webpackConfigHook'> {
  return {
    preloadModules: [workflowsModule('shared', 'shared-schemas')],
    webpackConfigHook: (config) => ({
      ...config,
      resolve: {
        ...config.resolve,
        alias: {
          ...(config.resolve?.alias as Record<string, string> | undefined),
          zod$: workflowsModule('shared', 'zod'),
        },
      },
    }),
  };
}

export async function bundleWorkflows(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsEntry(),
    ...workflowBundlerOptions(),
    // Must match the worker's and clients' data converter: failure messages are encoded (and so encrypted).
    failureConverterPath: failureConverterPath(),
    // Tracing, gated by the trace context a workflow receives (a no-op without one): the same bundle for every worker.
    workflowInterceptorModules: [workflowInterceptorsPath()],
    // The bundler's own progress lines are noise in test and build output.
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  return code;
}
