import { defineConfig } from 'vitest/config';

// Six projects: `unit` (no servers), `integration` (one real Temporal dev server per run, started in
// test/harness/global-setup.ts, plus real worker/bridge/sandbox processes), `time-skipping` (each file starts the
// time-skipping test server for long timers), `replay` (committed histories against the workflow bundle),
// `resilience` (hundreds of prescriptions under faults, crashes and garbage; `npm run test:resilience`) and `cluster`
// (the engine on a multi-role Temporal cluster on PostgreSQL over mTLS, with its processes killed; `npm run
// test:cluster`).
export default defineConfig({
  test: {
    pool: 'forks',
    // Two cores: keep integration files from starving each other's workers and servers.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          setupFiles: ['test/harness/runtime-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'time-skipping',
          include: ['test/time-skipping/**/*.test.ts'],
          globalSetup: ['test/harness/bundle-setup.ts'],
          setupFiles: ['test/harness/runtime-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        // Committed workflow histories replayed against today's workflow code (no server needed).
        test: {
          name: 'replay',
          include: ['test/replay/**/*.test.ts'],
          globalSetup: ['test/harness/bundle-setup.ts'],
          setupFiles: ['test/harness/runtime-setup.ts'],
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        // Each file loads the whole machine: one at a time, so a run's figures are its own.
        test: {
          name: 'resilience',
          include: ['test/resilience/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts', 'test/resilience/seed-setup.ts'],
          setupFiles: ['test/harness/runtime-setup.ts'],
          fileParallelism: false,
          testTimeout: 2_700_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        // One cluster per run (built from source the first time); files one at a time, since some kill its roles.
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          globalSetup: ['test/cluster/global-setup.ts'],
          setupFiles: ['test/harness/runtime-setup.ts'],
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
