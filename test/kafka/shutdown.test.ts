import type { Admin, GroupDescription } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createKafka } from '../../src/kafka/client.js';
import { groupName, topicName } from '../../src/kafka/topics.js';
import { createLogger } from '../../src/log.js';
import { createRuntime } from '../../src/runtime.js';
import { spawnCli, type CliProcess } from '../support/cli.js';
import { testEnv } from '../support/config.js';
import { sampleRaw } from '../support/samples.js';
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

  it('run convert: a SIGTERM during start-up still ends in a clean stop, exit 0, and no member left in the group', async () => {
    // A group of its own, so the first test's consumer is not what this one sees.
    const early = testEnv();
    const earlyGroup = groupName(loadConfig({}, early), 'convert');
    const p = spawnCli(['run', 'convert'], early);
    proc = p;
    // "starting:" is the first thing `run` prints, once the shutdown handling is in place and
    // start-up (runtime, registry, consumer join) has begun; the signal goes the moment it is read
    // (polling the output left start-up time to finish first on a fast machine).
    await new Promise<void>((resolve, reject) => {
      const onData = () => {
        if (!p.output().includes('starting: convert')) return;
        p.child.stderr!.off('data', onData);
        p.child.stdout!.off('data', onData);
        p.child.kill('SIGTERM');
        resolve();
      };
      p.child.stderr!.on('data', onData);
      p.child.stdout!.on('data', onData);
      void p.exited.then((code) => reject(new Error(`run convert exited with ${code} before starting: ${p.output()}`)));
    });
    const code = await Promise.race([p.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 45_000))]);
    const out = p.output();
    expect(code, out).toBe(0);
    expect(out).toContain('SIGTERM: stopping cleanly');
    expect(out).not.toContain('shutdown deadline passed');
    // The signal really came during start-up: before the service said it was running, if it ever did.
    const running = out.indexOf('running: convert');
    if (running >= 0) expect(out.indexOf('SIGTERM: stopping cleanly')).toBeLessThan(running);
    // Start-up finished and joined the group before the stop, and the stop left it: no member
    // waits out its session timeout (a group never joined has no members either).
    const after = (await admin.describeGroups([earlyGroup])).groups[0]!;
    expect(after.members).toEqual([]);
  });
});

/**
 * A processor whose consumer kafkajs will not restart (a non-retriable error out of a batch) must
 * not leave a process that looks alive and consumes nothing: `run` exits 1, so that the
 * orchestrator restarts it. Provoked for real: the registry refuses convert's output schema
 * (an incompatible schema is already registered under its subject, with BACKWARD checking), so
 * publishing its first output fails with BAD_RECORD.
 */
describe('run exits non-zero when a processor stops consuming', () => {
  it('run convert: a BAD_RECORD from the serializer ends the process with exit 1, naming the processor', async () => {
    const env = testEnv();
    const config = loadConfig({}, env);
    const rt = await createRuntime(config);
    let proc: CliProcess | undefined;
    try {
      const subject = `${topicName(config, 'converted')}-value`;
      const registry = async (path: string, method: string, body: unknown) => {
        const res = await fetch(`${config.schemaRegistryUrl}${path}`, { method, headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify(body) });
        expect(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`).toBe(true);
      };
      await registry(`/config/${encodeURIComponent(subject)}`, 'PUT', { compatibility: 'BACKWARD' });
      await registry(`/subjects/${encodeURIComponent(subject)}/versions`, 'POST', { schema: JSON.stringify({ type: 'record', name: 'Other', fields: [{ name: 'a', type: 'string' }] }) });
      const raw = sampleRaw();
      await rt.publisher.publish([{ topic: 'raw', key: raw.message.roomId, value: raw }]);

      proc = spawnCli(['run', 'convert'], env);
      const code = await Promise.race([proc.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
      expect(code, proc.output()).toBe(1);
      expect(proc.output()).toContain('processor convert stopped consuming (BAD_RECORD');
      // It stopped cleanly on its way out: no member left behind in the group.
      const admin = rt.kafka.admin();
      await admin.connect();
      try {
        expect((await admin.describeGroups([groupName(config, 'convert')])).groups[0]!.members).toEqual([]);
      } finally { await admin.disconnect(); }
    } finally {
      if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
      await rt.close();
    }
  });
});
