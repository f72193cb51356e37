// The operations section of docs/PARTNER-API.md, written from the OpenAPI document (openapi.ts), so the manual lists
// exactly what the API serves: `npm run docs:partner-api` rewrites it, and a unit test fails while it differs.
import { resolveRef as resolve, text, type Json } from './document-reading.js';

export const REFERENCE_BEGIN = '<!-- operations: generated from the OpenAPI document by `npm run docs:partner-api` -->';
export const REFERENCE_END = '<!-- end of operations -->';

function schemaHint(schema: Json | undefined): string {
  const values = schema?.enum;
  if (Array.isArray(values)) return `one of ${values.map((value) => `\`${String(value)}\``).join(', ')}`;
  if (typeof schema?.format === 'string') return `${text(schema.type)} (${schema.format})`;
  if (typeof schema?.pattern === 'string') return `pattern \`${schema.pattern}\``;
  return text(schema?.type);
}

function parameterLines(document: Json, operation: Json): string[] {
  const parameters = ((operation.parameters as unknown[] | undefined) ?? []).map((raw) => resolve(document, raw));
  return parameters
    .filter((parameter) => parameter.in !== 'header')
    .map((parameter) => {
      const hint = schemaHint(parameter.schema as Json | undefined);
      const description = text(parameter.description);
      return `- ${text(parameter.in)} \`${text(parameter.name)}\`${parameter.required ? '' : ' (optional)'}${
        hint ? `, ${hint}` : ''
      }${description ? `: ${description}` : ''}`;
    });
}

function bodyLine(operation: Json): string | undefined {
  const schema = (operation.requestBody as { content?: Record<string, { schema?: Json }> } | undefined)?.content?.[
    'application/json'
  ]?.schema;
  const properties = schema?.properties as Json | undefined;
  if (!properties) return undefined;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  const fields = Object.keys(properties).map((name) => `\`${name}\`${required.has(name) ? '' : '?'}`);
  return `- body: ${fields.join(', ')}`;
}

export function partnerApiReference(document: Json): string {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  const tags = (document.tags ?? []) as { name: string; description?: string }[];
  const sections: string[] = [];
  for (const tag of tags) {
    sections.push(`### ${tag.name}`, '', text(tag.description), '');
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if ((operation.tags as string[] | undefined)?.[0] !== tag.name) continue;
        const responses = Object.keys((operation.responses as Json | undefined) ?? {});
        const success = responses.filter((status) => status.startsWith('2'));
        const errors = responses.filter((status) => !status.startsWith('2'));
        sections.push(
          `#### \`${method.toUpperCase()} ${path}\``,
          '',
          `**${text(operation.summary)}**. Scope \`${text(operation['x-scope'])}\`; answers ${success.join(', ')}; ` +
            `errors ${errors.join(', ')}.`,
          '',
          text(operation.description)
            .replace(/\n\nScope: `\w+`\.$/, '')
            .trim(),
          '',
        );
        const details = [...parameterLines(document, operation), bodyLine(operation)].filter(
          (line): line is string => line !== undefined,
        );
        if (details.length > 0) sections.push(...details, '');
      }
    }
  }
  return [REFERENCE_BEGIN, '', ...sections, REFERENCE_END].join('\n');
}

/** `markdown` with its operations section replaced by `reference`. */
export function withReference(markdown: string, reference: string): string {
  const begin = markdown.indexOf(REFERENCE_BEGIN);
  const end = markdown.indexOf(REFERENCE_END);
  if (begin < 0 || end < begin) throw new Error('docs/PARTNER-API.md has no operations section markers');
  return markdown.slice(0, begin) + reference + markdown.slice(end + REFERENCE_END.length);
}

/** The operations section of `markdown`, as it stands. */
export function referenceIn(markdown: string): string | undefined {
  const begin = markdown.indexOf(REFERENCE_BEGIN);
  const end = markdown.indexOf(REFERENCE_END);
  return begin < 0 || end < begin ? undefined : markdown.slice(begin, end + REFERENCE_END.length);
}
