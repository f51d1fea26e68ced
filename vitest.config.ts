import { defineConfig } from 'vitest/config';

// Two tiers, one command (`npm test` runs both):
// - unit: `*.unit.test.ts`, pure cores, the Webex and Graph simulators and in-process HTTP only;
//   no globalSetup, so `npm run test:unit` needs no Java, no Dovecot and no server at all.
// - integration: every other test, against one shared set of real local servers per run (Kafka,
//   registry, Azurite, Dovecot), started by test/support/global-setup.ts; each test isolates
//   itself with its own topic prefix and mailboxes.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.unit.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.unit.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
