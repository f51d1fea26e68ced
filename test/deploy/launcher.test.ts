import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/paths.js';
import { loadConfig } from '../../src/config/load.js';
import { createKafka } from '../../src/kafka/client.js';
import { groupName } from '../../src/kafka/topics.js';
import { createLogger } from '../../src/log.js';
import { testEnv } from '../support/config.js';
import { waitUntil } from '../support/wait.js';

/**
 * bin/webex-archiver.js is the image's entrypoint: `docker stop` sends it SIGTERM and, after the
 * grace period, SIGKILL. So the launcher itself must end in a clean stop: exit 0 and the
 * consumer out of its group at once (a consumer that merely died would stay a member until its
 * session timed out), and no other process left behind.
 */
describe('the launcher stops cleanly on SIGTERM', () => {
  const env = testEnv();
  const config = loadConfig({}, env);
  let admin: Admin;
  let child: ReturnType<typeof spawn> | undefined;

  beforeAll(async () => {
    admin = createKafka(config, createLogger({ level: 'warn' })).admin();
    await admin.connect();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await admin.disconnect();
  });

  it('node bin/webex-archiver.js run convert: SIGTERM to the launcher ends in exit 0 and an empty group', async () => {
    const c = spawn(process.execPath, [path.join(ROOT, 'bin', 'webex-archiver.js'), 'run', 'convert'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let out = '';
    c.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    c.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => c.on('exit', (code, signal) => resolve({ code, signal })));
    const group = groupName(config, 'convert');
    await waitUntil(async () => {
      if (c.exitCode !== null) throw new Error(`exited early: ${out}`);
      if (!out.includes('running: convert')) return false;
      const g = (await admin.describeGroups([group])).groups[0]!;
      return g.state === 'Stable' && g.members.length === 1;
    }, 60_000, `the launcher's convert to run with one member in ${group}`);

    c.kill('SIGTERM');
    const result = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    expect(result, out).toEqual({ code: 0, signal: null });
    expect(out).toContain('SIGTERM: stopping cleanly');
    const after = (await admin.describeGroups([group])).groups[0]!;
    expect(after.members).toEqual([]);
    expect(after.state).toBe('Empty');
    // One process: the pid that got the signal is the CLI itself, so nothing is left running.
    expect(() => process.kill(c.pid!, 0)).toThrow();
  });
});
