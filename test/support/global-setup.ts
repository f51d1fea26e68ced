import { infraDown, infraStatus, infraUp, type ServerName } from '../../infra/index.js';

/**
 * Starts the real local servers once per test run (reusing any already running) and stops, at
 * the end, only the ones this run started. Prints their endpoints so the output shows the tests
 * ran against real Kafka, registry, Azurite and Dovecot.
 */
let started: ServerName[] = [];

export async function setup(): Promise<void> {
  started = await infraUp({ progress: (line) => process.stdout.write(`[infra] ${line}\n`) });
  for (const s of await infraStatus()) {
    process.stdout.write(`[infra] ${s.name} ${s.endpoint} ${s.healthy ? 'healthy' : 'DOWN'}\n`);
    if (!s.healthy) throw new Error(`${s.name} is not healthy; tests need every real server`);
  }
}

export async function teardown(): Promise<void> {
  if (started.length) await infraDown({ only: started, progress: (line) => process.stdout.write(`[infra] ${line}\n`) });
}
