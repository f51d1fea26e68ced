import { infraDown, infraStatus, infraUp, leftovers, type ServerName } from '../../infra/index.js';

/**
 * Starts the real local servers once per test run (reusing any already running) and stops, at
 * the end, only the ones this run started. Prints their endpoints so the output shows the tests
 * ran against real Kafka, registry, Azurite and Dovecot.
 */
let started: ServerName[] = [];
const log = (line: string) => process.stdout.write(`[infra] ${line}\n`);

export async function setup(): Promise<void> {
  started = await infraUp({ progress: log });
  for (const s of await infraStatus()) {
    log(`${s.name} ${s.endpoint} ${s.healthy ? 'healthy' : 'DOWN'}`);
    if (!s.healthy) throw new Error(`${s.name} is not healthy; tests need every real server`);
  }
}

/**
 * Stops what this run started, then verifies it: none of the pids it stopped may be alive and
 * nothing may listen on those servers' ports. A leftover fails the run (the error is thrown, so
 * vitest exits non-zero) instead of lingering unseen on a shared machine.
 */
export async function teardown(): Promise<void> {
  if (!started.length) {
    log('down: this run started no server, so it stops none (the running ones belong to whoever started them)');
    return;
  }
  const ours = (await infraStatus(started)).map((s) => ({ name: s.name, pid: s.ownedPid, ports: [] }));
  // infraDown itself checks, while it still holds the infra lock, that the pids are gone and the
  // ports closed, and throws otherwise. Once the lock is released another run on this machine may
  // legitimately start a server on the same port, so out here only our own pids are checked again.
  await infraDown({ only: started, progress: log });
  const left = await leftovers(ours, 0);
  if (left.length) throw new Error(`[infra] down: processes of ours are still running: ${left.join('; ')}`);
  log(`down: no process of ours left running (stopped ${ours.map((s) => `${s.name}${s.pid ? ` pid ${s.pid}` : ''}`).join(', ')}; their ports are closed)`);
}
