// One way to bundle the workflows, shared by the build, the test harness and the benchmarks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowInterceptorsPath } from '../observability/temporal-tracing.js';
import { PROJECT_ROOT } from './binaries.js';
import { failureConverterPath } from './data-converter.js';

export function workflowsEntry(): string {
  const ts = join(PROJECT_ROOT, 'workflows', 'index.ts');
  return existsSync(ts) ? ts : join(PROJECT_ROOT, 'workflows', 'index.js');
}

export async function bundleWorkflows(): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsEntry(),
    // Must match the worker's and clients' data converter: failure messages are encoded (and so encrypted).
    failureConverterPath: failureConverterPath(),
    // Tracing, gated by the trace context a workflow receives (a no-op without one): the same bundle for every worker.
    workflowInterceptorModules: [workflowInterceptorsPath()],
    // The bundler's own progress lines are noise in test and build output.
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  return code;
}
