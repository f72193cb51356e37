// zod inside the workflow sandbox: without `jitless`, zod builds object parsers with `new Function` (and probes
// whether it may at the first schema it builds). Workflow code stays plain: interpreted parsing, the same results.
// Imported first by the bundle's entry (workflows/index.ts), before any module builds a schema.
import { z } from 'zod';

z.config({ jitless: true });
