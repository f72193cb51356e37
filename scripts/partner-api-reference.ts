// Rewrites the operations section of docs/PARTNER-API.md from the partner API's OpenAPI document (the unit test
// test/unit/bridge/partner-api-openapi.test.ts fails while the two differ). `npm run docs:partner-api`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'prettier';
import { openApiDocument } from '../src/bridge/partner-api/openapi.js';
import { partnerApiReference, withReference } from '../src/bridge/partner-api/reference-doc.js';

const path = join(import.meta.dirname, '..', 'docs', 'PARTNER-API.md');
const markdown = withReference(readFileSync(path, 'utf8'), partnerApiReference(openApiDocument()));
writeFileSync(path, await format(markdown, { parser: 'markdown', printWidth: 120, proseWrap: 'preserve' }));
process.stdout.write(`${path} updated\n`);
