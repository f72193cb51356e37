// Builds the workflow bundle ahead of time (production images and the test harness), so workers start without
// running webpack. Usage: tsx scripts/bundle-workflows.ts <output file>
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflows } from '../src/temporal/workflow-bundle.js';

const output = process.argv[2];
if (!output) {
  process.stderr.write('usage: tsx scripts/bundle-workflows.ts <output file>\n');
  process.exit(2);
}
const code = await bundleWorkflows();
mkdirSync(dirname(resolve(output)), { recursive: true });
writeFileSync(output, code);
process.stdout.write(`workflow bundle written to ${output} (${Math.round(code.length / 1024)} KiB)\n`);
