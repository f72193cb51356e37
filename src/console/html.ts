// HTML for the console's server-rendered pages: a tagged template that escapes every interpolated value unless it is
// markup built by this same template. Everything a page shows (ids, vendor text, operator reasons, field values) is
// untrusted, so nothing reaches the page unescaped by accident.

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/** Markup that is safe to insert as it is: only `html` makes it. */
export class Html {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map((item: HtmlValue) => render(item)).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\``: strings are escaped, nested `html` fragments and lists of them are kept. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(markup);
}

/** An attribute that is present or absent (`required`, `checked`, `aria-invalid="true"`, …). */
export function attribute(name: string, on: boolean, value?: string): Html {
  if (!on) return new Html('');
  return new Html(value === undefined ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`);
}
