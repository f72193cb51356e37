import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflows } from '../../src/temporal/workflow-bundle.js';

/** Bundles the workflows once for the whole run and returns the file's path. */
export async function writeWorkflowBundle(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'fulfill-bundle-')), 'workflow-bundle.js');
  writeFileSync(path, await bundleWorkflows());
  return path;
}
