import { createServer, connect, type Server } from 'node:net';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createKafka } from '../../src/kafka/client.js';
import { groupName } from '../../src/kafka/topics.js';
import { createLogger } from '../../src/log.js';
import { STAGE_NAMES } from '../../src/pipeline/stages.js';
import { spawnCli, type CliProcess } from '../support/cli.js';
import { testEnv } from '../support/config.js';
import { waitUntil } from '../support/wait.js';

// A healthy start on the real broker with fresh topics (created by this start, so their leaders
// are elected and the groups' coordinators found while it runs): every processor and the receiver
// in one process, JSON logs at info level. Its bootstrap address is a TCP relay to the real broker
// that drops connections for the first three seconds, like a broker still starting, so kafkajs
// meets failed connections and retries them. Not one line may be at error level (50) or above: kafkajs'
// retried answers are warned about once, then logged at debug.
describe('a healthy start logs no error', () => {
  let relay: Server | undefined;
  const env = testEnv({ WXA_LOG_LEVEL: 'info', WXA_LOG_FORMAT: 'json', WXA_RECEIVER_PORT: '0' });
  const config = loadConfig({}, env);
  let admin: Admin;
  let proc: CliProcess | undefined;
  let out = '';

  beforeAll(async () => {
    admin = createKafka(config, createLogger({ level: 'silent' })).admin();
    await admin.connect();
  });
  afterAll(async () => {
    if (proc && proc.child.exitCode === null) proc.child.kill('SIGKILL');
    relay?.close();
    await admin.disconnect();
  });

  it('run all --with-receiver: every group Stable, then SIGTERM; no line at level >= 50', async () => {
    const [host, brokerPort] = config.kafkaBrokers[0]!.split(':');
    // Connections are dropped at once until three seconds after the first one came.
    let openAt = Infinity;
    relay = createServer((c) => {
      if (openAt === Infinity) openAt = Date.now() + 3000;
      if (Date.now() < openAt) { c.destroy(); return; }
      const b = connect(Number(brokerPort), host);
      c.pipe(b).pipe(c);
      c.on('error', () => b.destroy());
      b.on('error', () => c.destroy());
    });
    await new Promise<void>((r) => relay!.listen(0, '127.0.0.1', r));
    proc = spawnCli(['run', 'all', '--with-receiver'], { ...env, WXA_KAFKA_BROKERS: `127.0.0.1:${(relay.address() as { port: number }).port}` });
    proc.child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    proc.child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const groups = STAGE_NAMES.map((p) => groupName(config, p));
    await waitUntil(async () => {
      if (proc!.child.exitCode !== null) throw new Error(`run all exited early: ${proc!.output()}`);
      if (!out.includes('running: ')) return false;
      const { groups: described } = await admin.describeGroups(groups);
      return described.every((g) => g.state === 'Stable' && g.members.length === 1);
    }, 120_000, 'every processor group Stable with one member');
    proc.child.kill('SIGTERM');
    expect(await proc.exited, proc.output()).toBe(0);

    const lines = out.split('\n').filter((l) => l.startsWith('{'));
    const records = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(records.length).toBeGreaterThan(0);
    expect(records.filter((r) => r.level >= 50).map((r) => r.msg)).toEqual([]);
    // The refused connections were there, and said once, as a warning ("Connection error: …", or
    // "Closed connection" when the relay drops a socket kafkajs had already opened).
    expect(records.filter((r) => r.level === 40 && /connection|failed to connect/i.test(r.msg)).length).toBeGreaterThan(0);
  });
});
