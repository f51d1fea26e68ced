import type { Admin, GroupDescription } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createKafka } from '../../src/kafka/client.js';
import { groupName } from '../../src/kafka/topics.js';
import { createLogger } from '../../src/log.js';
import { spawnCli, type CliProcess } from '../support/cli.js';
import { testEnv } from '../support/config.js';
import { waitUntil } from '../support/wait.js';

/**
 * `webex-archiver run convert` stops cleanly on SIGTERM: exit code 0 (not the shutdown deadline's
 * 1, nor a signal death), and its consumer left the group itself. A consumer that merely died
 * would stay a member until its 30 s session timed out, so "no members right after exit" is the
 * proof that it sent LeaveGroup.
 */
describe('graceful shutdown on SIGTERM', () => {
  const env = testEnv();
  const config = loadConfig({}, env);
  const group = groupName(config, 'convert');
  let admin: Admin;
  let proc: CliProcess | undefined;

  beforeAll(async () => {
    admin = createKafka(config, createLogger({ level: 'warn' })).admin();
    await admin.connect();
  });
  afterAll(async () => {
    if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await admin.disconnect();
  });

  const describeGroup = async (): Promise<GroupDescription> => (await admin.describeGroups([group])).groups[0]!;

  it('run convert: joins its group, then on SIGTERM exits 0 and leaves the group', async () => {
    proc = spawnCli(['run', 'convert'], env);
    let exitedEarly: number | null | undefined;
    void proc.exited.then((code) => { exitedEarly = code; });
    await waitUntil(async () => {
      if (exitedEarly !== undefined) throw new Error(`run convert exited with ${exitedEarly} before joining: ${proc!.output()}`);
      // The "running:" line comes after the SIGTERM handler is installed; the group can turn
      // Stable a moment earlier, and a signal in that gap would meet Node's default handler.
      if (!proc!.output().includes('running: convert')) return false;
      const g = await describeGroup();
      return g.state === 'Stable' && g.members.length === 1;
    }, 60_000, `run convert to say it is running and group ${group} to be Stable with one member`);

    proc.child.kill('SIGTERM');
    // Bounded well below the 30 s session timeout and the 30 s shutdown deadline, so a hang fails here.
    const code = await Promise.race([proc.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    expect(code, proc.output()).toBe(0);
    expect(proc.output()).toContain('SIGTERM: stopping cleanly');
    expect(proc.output()).not.toContain('shutdown deadline passed');

    const after = await describeGroup();
    expect(after.members).toEqual([]);
    expect(after.state).toBe('Empty');
  });
});
