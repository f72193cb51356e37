// The docs page at /api/docs: the OpenAPI document rendered as one self-contained HTML page (no script, no font or
// style from elsewhere: the bridge may run where nothing else is reachable). Each operation with its scope,
// parameters, body and answers; the JSON Schemas themselves fold out.
import { resolveRef as resolve, text, type Json } from './document-reading.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The little Markdown the descriptions use: `code`, and paragraphs. */
function prose(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
    .join('');
}

function schemaBlock(schema: unknown, label: string): string {
  if (schema === undefined) return '';
  return `<details><summary>${escapeHtml(label)}</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`;
}

function parametersTable(document: Json, parameters: unknown[]): string {
  if (parameters.length === 0) return '';
  const rows = parameters.map((raw) => {
    const parameter = resolve(document, raw);
    const schema = parameter.schema as Json | undefined;
    return `<tr><td><code>${escapeHtml(String(parameter.name))}</code></td><td>${escapeHtml(String(parameter.in))}${
      parameter.required ? ', required' : ''
    }</td><td>${escapeHtml(JSON.stringify(schema ?? {}))}</td><td>${prose(parameter.description)}</td></tr>`;
  });
  return `<table><tr><th>parameter</th><th>in</th><th>schema</th><th>what</th></tr>${rows.join('')}</table>`;
}

function responsesList(document: Json, responses: Json): string {
  const items = Object.entries(responses).map(([status, raw]) => {
    const response = resolve(document, raw);
    const content = response.content as Record<string, { schema?: unknown }> | undefined;
    const [mediaType, media] = Object.entries(content ?? {})[0] ?? [];
    const schema = media?.schema === undefined ? undefined : resolve(document, media.schema);
    return `<li><b>${escapeHtml(status)}</b> ${prose(response.description)}${
      mediaType ? schemaBlock(schema, `${mediaType} body`) : ''
    }</li>`;
  });
  return `<ul class="responses">${items.join('')}</ul>`;
}

function operationSection(document: Json, path: string, method: string, operation: Json): string {
  const body = (operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content?.[
    'application/json'
  ]?.schema;
  return `<section id="${escapeHtml(String(operation.operationId))}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p class="summary">${escapeHtml(text(operation.summary))} <span class="scope">scope: ${escapeHtml(
    text(operation['x-scope']),
  )}</span></p>
${prose(operation.description)}
${parametersTable(document, (operation.parameters as unknown[] | undefined) ?? [])}
${body === undefined ? '' : schemaBlock(body, 'request body (application/json)')}
${responsesList(document, (operation.responses as Json | undefined) ?? {})}
</section>`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code,pre{font:13px/1.4 ui-monospace,monospace;background:#f3f4f6;border-radius:3px}code{padding:0 .2rem}
pre{padding:.6rem;overflow:auto}section{border-top:1px solid #d0d7de;padding:.4rem 0}
.method{font:bold 12px ui-monospace,monospace;padding:.1rem .4rem;border-radius:3px;color:#fff;background:#57606a}
.get{background:#0969da}.post{background:#1a7f37}.put{background:#9a6700}.patch{background:#8250df}
.scope{color:#57606a;font-size:13px}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #d0d7de;
padding:.2rem .4rem;text-align:left;vertical-align:top}.summary{font-weight:600}.responses{padding-left:1.2rem}`;

/** The page for `document` (an OpenAPI 3.1 document as openapi.ts writes it). */
export function docsPage(document: Json): string {
  const info = (document.info ?? {}) as Json;
  const tags = (document.tags ?? []) as { name: string; description?: string }[];
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  const operations = Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
  const sections = tags.map((tag) => {
    const mine = operations.filter(({ operation }) => (operation.tags as string[] | undefined)?.[0] === tag.name);
    return `<h2 id="tag-${escapeHtml(tag.name.replace(/\s+/g, '-'))}">${escapeHtml(tag.name)}</h2>${prose(
      tag.description,
    )}${mine.map(({ path, method, operation }) => operationSection(document, path, method, operation)).join('\n')}`;
  });
  const contents = operations
    .map(
      ({ path, method, operation }) =>
        `<li><a href="#${escapeHtml(String(operation.operationId))}">${method.toUpperCase()} ${escapeHtml(path)}</a></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(text(info.title, 'API'))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>${escapeHtml(text(info.title, 'API'))} <small>${escapeHtml(text(info.version))}</small></h1>
${prose(info.description)}
<p>The machine-readable document: <a href="/api/openapi.json"><code>/api/openapi.json</code></a> (OpenAPI ${escapeHtml(
    text(document.openapi),
  )}).</p>
<ul>${contents}</ul>
${sections.join('\n')}
</body></html>
`;
}
