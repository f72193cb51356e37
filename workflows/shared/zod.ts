// `zod` as the workflow bundle sees it: the bundler resolves the package's name to this module
// (src/temporal/workflow-bundle.ts), which hands out the thread's one zod (shared-schemas.ts says why). Outside the
// bundle (clients, tests) `zod` is the package itself.
import { sharedZod } from './shared-schemas.js';

export const z = sharedZod();
