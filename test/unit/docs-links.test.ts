// The README is a map and the manuals live in docs/: the README stays at most 10 KB, every relative link in it and in
// docs/*.md reaches a file (and a `#fragment` one of that file's headings, as GitHub names them), and every `npm run`
// script the docs tell a reader to run exists in package.json. The README's map names only paths that exist.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const README = join(root, 'README.md');
const docs = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => join(root, 'docs', name));
const documents = [README, ...docs];

/** Markdown without fenced code blocks, whose brackets are code, not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** The anchors GitHub gives a document's headings: lowercased, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6} +(.+?)\s*#*\s*$/gm)) {
    const text = heading!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Every inline link target `[text](target)` in the prose. */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
}

/** What is wrong with one link from `from`, or undefined when it resolves. */
function brokenLink(from: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:: not a file of this repository
  const [path = '', fragment] = target.split('#', 2);
  const file = path === '' ? from : resolve(dirname(from), decodeURIComponent(path));
  if (!existsSync(file)) return `${target}: no such file`;
  if (fragment === undefined) return undefined;
  if (!statSync(file).isFile() || !file.endsWith('.md'))
    return `${target}: a fragment into a file that is not markdown`;
  return headingAnchors(readFileSync(file, 'utf8')).has(fragment) ? undefined : `${target}: no heading #${fragment}`;
}

describe('the docs', () => {
  it('keep the README a map of at most 10 KB', () => {
    expect(statSync(README).size).toBeLessThanOrEqual(10 * 1024);
  });

  it.each(documents.map((file) => [relative(root, file), file]))(
    '%s: every relative link reaches a file and heading',
    (_name, file) => {
      const broken = linkTargets(readFileSync(file, 'utf8'))
        .map((target) => brokenLink(file, target))
        .filter((problem) => problem !== undefined);
      expect(broken).toEqual([]);
    },
  );

  it("keep the README's map true: every repository path it names in code spans exists", () => {
    const topFolders = new Set(
      readdirSync(root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name),
    );
    const named = [...readFileSync(README, 'utf8').matchAll(/`([\w.-]+\/[^`\s]*)`/g)]
      .map((match) => match[1]!)
      .filter((path) => topFolders.has(path.split('/')[0]!) && !/[*{…]/.test(path));
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });

  it('mention only npm scripts that package.json has', () => {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const unknown = documents.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bnpm run (?:-s |--silent )?([A-Za-z][\w:.-]*)/g)]
        .map((match) => match[1]!)
        .filter((script) => !Object.hasOwn(scripts, script))
        .map((script) => `${relative(root, file)}: npm run ${script}`),
    );
    expect(unknown).toEqual([]);
  });

  it('name headings the way GitHub anchors them', () => {
    const anchors = headingAnchors(
      '# Operations\n## `npm run dev` supervises its children\n## Operators: Web UI and CLI\n' +
        '## Archival: the audit beyond retention\n```sh\n# not a heading\n```\n## Operators: Web UI and CLI\n',
    );
    expect([...anchors]).toEqual([
      'operations',
      'npm-run-dev-supervises-its-children',
      'operators-web-ui-and-cli',
      'archival-the-audit-beyond-retention',
      'operators-web-ui-and-cli-1',
    ]);
  });
});
