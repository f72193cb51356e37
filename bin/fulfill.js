#!/usr/bin/env node
// The `fulfill` CLI from a source checkout: TypeScript runs through tsx, no build step needed.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/run.ts');
