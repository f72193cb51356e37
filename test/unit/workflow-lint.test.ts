// The determinism rules for workflows/ are enforced by ESLint; this proves they fire (a rule that never fires
// protects nothing).
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

/** Lints `code` as a real file in `dir` (type-aware rules need the file inside the TypeScript project). */
async function lint(code: string, dir = 'workflows'): Promise<{ ruleId: string; line: number }[]> {
  const filePath = `${dir}/lint-fixture-${randomUUID()}.ts`;
  writeFileSync(filePath, code);
  try {
    const [result] = await eslint.lintFiles([filePath]);
    return (result?.messages ?? []).map((message) => ({
      ruleId: message.ruleId ?? message.message,
      line: message.line,
    }));
  } finally {
    rmSync(filePath, { force: true });
  }
}

async function ruleIdsFor(code: string, dir?: string): Promise<string[]> {
  return (await lint(code, dir)).map((message) => message.ruleId);
}

// The first lint builds the TypeScript program for the type-aware rules: seconds, more on a loaded machine.
describe('workflow lint rules', { timeout: 120_000 }, () => {
  it('forbids Node built-ins, I/O packages and non-type imports of activities in workflows/', async () => {
    const messages = await lint(
      [
        "import { readFileSync } from 'node:fs';",
        "import got from 'got';",
        "import { createActivities } from '../activities/index.js';",
        "import { loadConfig } from '../src/config/env.js';",
        'export const x = [readFileSync, got, createActivities, loadConfig];',
      ].join('\n'),
    );
    const flaggedLines = new Set(
      messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.line),
    );
    expect([...flaggedLines].sort()).toEqual([1, 2, 3, 4]);
  });

  it('allows the workflow SDK, src/domain and type-only imports of activities', async () => {
    const ids = await ruleIdsFor(
      [
        "import { sleep } from '@temporalio/workflow';",
        "import { FailureType } from '../src/domain/failure-types.js';",
        "import type { Activities } from '../activities/index.js';",
        'export type A = Activities;',
        'export const x = [sleep, FailureType];',
      ].join('\n'),
    );
    expect(ids).toEqual([]);
  });

  it('allows zod in workflows/, and forbids registering a handler except through workflows/shared/handlers.ts', async () => {
    const messages = await lint(
      [
        "import { z } from 'zod';",
        "import * as wf from '@temporalio/workflow';",
        "import { setHandler, defineSignal } from '@temporalio/workflow';",
        "const s = defineSignal<[unknown]>('s');",
        'setHandler(s, () => undefined);',
        'wf.setHandler(s, () => undefined);',
        'export const x = z.string();',
      ].join('\n'),
    );
    expect(messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')).toEqual([]);
    const flaggedLines = new Set(messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line));
    expect([...flaggedLines].sort()).toEqual([3, 5, 6]);
  });

  it('forbids value imports of src/ (except src/domain) from nested workflow folders', async () => {
    const messages = await lint(
      "import { loadConfig } from '../../src/config/env.js';\nexport const x = loadConfig;",
      'workflows/shared',
    );
    expect(messages.map((m) => m.ruleId)).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('forbids Math.random, Date.now and setTimeout in workflows/', async () => {
    const ids = await ruleIdsFor('export const r = [Math.random(), Date.now()];\nsetTimeout(() => undefined, 1);');
    expect(ids).toContain('no-restricted-properties');
    expect(ids).toContain('no-restricted-globals');
  });

  it('flags floating promises everywhere', async () => {
    const ids = await ruleIdsFor('async function f(): Promise<void> {}\nf();\n', 'src');
    expect(ids).toContain('@typescript-eslint/no-floating-promises');
  });
});
