import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

/** A configuration on the local servers' defaults with its own topic prefix, containers and folders. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({}, testEnv(overrides));
}

/** The same settings as environment variables, for tests that start the CLI as a child process. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const id = randomBytes(4).toString('hex');
  const dir = mkdtempSync(path.join(tmpdir(), `wxa-${id}-`));
  return {
    WXA_TOPIC_PREFIX: `t${id}.`,
    WXA_TOPIC_PARTITIONS: '3',
    WXA_BLOB_ATTACHMENTS_CONTAINER: `att-${id}`,
    WXA_BLOB_STAGING_CONTAINER: `stg-${id}`,
    WXA_MAILDIR_ROOT: path.join(dir, 'archive'),
    WXA_DATA_DIR: dir,
    WXA_LOG_LEVEL: 'warn',
    ...overrides,
  };
}

export function uniqueId(prefix = ''): string {
  return prefix + randomBytes(4).toString('hex');
}

/**
 * A seeded organization whose people's addresses are unique to this test (user1-<id>@example.com),
 * so mailboxes in the shared Dovecot never collect items from another test or an earlier run.
 */
export function uniqueOrg<T extends { people: { email: string }[] }>(org: T, id: string): T {
  return { ...org, people: org.people.map((p) => ({ ...p, email: p.email.replace('@', `-${id}@`) })) };
}
