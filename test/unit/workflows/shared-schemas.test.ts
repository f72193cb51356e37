import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sharedSchema } from '../../../workflows/shared/shared-schemas.js';
import { bundleWorkflows } from '../../../src/temporal/workflow-bundle.js';
import { PROJECT_ROOT } from '../../../src/temporal/binaries.js';

function workflowSources(dir = join(PROJECT_ROOT, 'workflows')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? workflowSources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('sharedSchema', () => {
  it('builds a schema the first time its key is asked for and hands out the same one after', () => {
    let builds = 0;
    const build = () => {
      builds += 1;
      return z.object({ a: z.string() });
    };
    const first = sharedSchema('test/shared-schemas:first', build);
    const second = sharedSchema('test/shared-schemas:first', build);
    expect(second).toBe(first);
    expect(builds).toBe(1);
    expect(sharedSchema('test/shared-schemas:other', build)).not.toBe(first);
    expect(builds).toBe(2);
  });

  it('has one key per schema across the workflows (a repeated key would hand one schema out for another)', () => {
    const keys = workflowSources().flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/sharedSchema\(\s*'([^']+)'/g)].map((match) => match[1]!),
    );
    expect(keys.length).toBeGreaterThan(40);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  it('leaves no schema built at module level in the workflows (it would be built again for every run)', () => {
    const moduleLevel = workflowSources().flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          /^(export )?const \w+[^=]*= (z\.|z$|operatorText\(|\w+\.(extend|merge|pick|omit|partial|and|or)\()/.test(
            line,
          ) || /Message(<[^(]*)?\(\s*'[^']+',\s*z\./.test(line)
            ? [`${relative(PROJECT_ROOT, file)}:${index + 1}: ${line.trim()}`]
            : [],
        ),
    );
    expect(moduleLevel).toEqual([]);
  });

  it('is preloaded by the workflow bundle, whose zod is the shared one, so schemas and zod outlive a run', async () => {
    const code = await bundleWorkflows();
    const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
    expect(preload).toMatch(/workflows\/shared\/shared-schemas\.(ts|js)/);
    // `zod` is the shim that asks the preloaded module; the package's ESM build, which every module importing it
    // would evaluate for every run, is not in the bundle (the shim requires the CommonJS one, once).
    expect(code).toMatch(/workflows\/shared\/zod\.(ts|js)/);
    expect(code).toMatch(/node_modules\/zod\/v4\/classic\/schemas\.cjs/);
    expect(code).not.toMatch(/node_modules\/zod\/[\w/.-]+\.js\b/);
  }, 120_000);
});
