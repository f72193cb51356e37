// Lint rules that protect the engine's invariants: no floating promises anywhere, deterministic workflow code
// (workflows/ may import only @temporalio/workflow, @temporalio/common, zod, its own modules, the pure src/domain, and
// types of anything else), and validated workflow inputs (handlers are registered only through
// workflows/shared/handlers.ts, which parses every input with its message's schema).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

const workflowImports = {
  paths: nodeBuiltins.map((name) => ({
    name,
    message: 'Workflow code is deterministic: no Node built-ins (use an activity).',
  })),
  patterns: [
    {
      regex: '^(?!(@temporalio/(workflow|common)|zod)(/|$))(@[^/]+/)?[a-z][^/]*',
      message: 'Workflow code may import only @temporalio/workflow, @temporalio/common and zod; do I/O in activities.',
      allowTypeImports: true,
    },
    {
      regex: '^(\\.\\./)+(activities|workers|src/(?!domain/))',
      message: 'Workflows may import only types from activities/ and src/ (except the pure src/domain).',
      allowTypeImports: true,
    },
  ],
};

/** A handler registered with setHandler would read its input unvalidated: handlers.ts parses it first. */
const handlerRegistration = [
  {
    selector: "Identifier[name='setHandler']",
    message:
      'Register handlers with handleSignal/handleUpdate/handleQuery (workflows/shared/handlers.ts): they validate ' +
      "every input with its message's schema.",
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'coverage/', 'test/artifacts/', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs'] } },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Fastify hooks and SDK interfaces are async by contract even when a body has nothing to await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // The operator console's page script runs in the browser, not in Node.
  { files: ['src/console/assets/**/*.js'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', workflowImports],
      'no-restricted-syntax': ['error', ...handlerRegistration],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
        { name: 'process', message: 'Workflow code cannot read the process environment.' },
        { name: 'fetch', message: 'Workflow code does no I/O: use an activity.' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message:
            'Use workflow time: Date.now() is replaced deterministically, but be explicit (workflowInfo / new Date()).',
        },
        { object: 'Math', property: 'random', message: 'Use uuid4() or the workflow random stream.' },
      ],
    },
  },
  // The one module that registers handlers: everything it registers parses its input first.
  { files: ['workflows/shared/handlers.ts'], rules: { 'no-restricted-syntax': 'off' } },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.)',
              message: 'src/domain is pure (workflows import it): no packages.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
