import { defineConfig } from 'vitest/config';

// One shared set of real local servers per run (Kafka, registry, Azurite, Dovecot), started by
// test/support/global-setup.ts; each test isolates itself with its own topic prefix and mailboxes.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
