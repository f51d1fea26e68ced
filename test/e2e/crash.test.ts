import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffMailbox, expectedMailboxes } from '../../bench/expected-mailboxes.js';
import { kafkaCheckpoints } from '../../src/capture/checkpoints.js';
import { crawlEvents } from '../../src/capture/crawler.js';
import { createRoomCache } from '../../src/capture/room-cache.js';
import { createWebexFromConfig, webexSource } from '../../src/capture/webex-source.js';
import { loadConfig } from '../../src/config/load.js';
import type { RawMessage } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { groupName, topicName } from '../../src/kafka/topics.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { generateOrg, startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { spawnCli, type CliProcess } from '../support/cli.js';
import { testEnv, uniqueId, uniqueOrg } from '../support/config.js';
import { readMailbox } from '../support/imap.js';
import { waitUntil } from '../support/wait.js';
import { fetchTopicOffsets } from '../../src/kafka/admin-offsets.js';

const STAGES = ['convert', 'dedupe', 'limit', 'stage', 'route', 'import'] as const;

// Exactly one copy per mailbox while processors are SIGKILLed at random points and restarted,
// with every raw record delivered twice.
describe('crash safety: exactly one copy per mailbox under SIGKILL', () => {
  let sim: WebexSimulator;
  let rt: Runtime;
  let env: Record<string, string>;
  const procs = new Map<string, CliProcess>();
  const id = uniqueId();
  beforeAll(async () => {
    sim = await startWebexSimulator({ fixture: uniqueOrg(generateOrg({ seed: 31, users: 6, rooms: 4, messages: 60 }), id) });
    env = testEnv({
      WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_SINK: 'imap', WXA_ORG_DOMAINS: 'example.com',
      WXA_FALLBACK_MAILBOX: `compliance-${id}@example.com`, WXA_LOG_LEVEL: 'error',
    });
    rt = await createRuntime(loadConfig({}, env));
  });
  afterAll(async () => {
    for (const p of procs.values()) p.child.kill('SIGKILL');
    await rt?.close();
    await sim?.close();
  });

  it('every mailbox ends with exactly the expected items, none twice', async () => {
    // Capture through the crawler, then deliver every raw record a second time.
    const source = webexSource(createWebexFromConfig(rt.config, rt.logger));
    await crawlEvents({ source, reader: source, blob: rt.blob, rooms: createRoomCache(source), attachmentsContainer: rt.config.attachmentsContainer, logger: rt.logger, publisher: rt.publisher, checkpoints: kafkaCheckpoints(rt) },
      { now: new Date(), overlapMinutes: 0, firstRunLookbackHours: 24 * 400 });
    const raws: RawMessage[] = [];
    await readTopicToEnd<RawMessage>(rt.kafka, rt.serde, topicName(rt.config, 'raw'), (v) => v && raws.push(v));
    expect(raws.length).toBeGreaterThan(60);
    await rt.publisher.publish(raws.map((r) => ({ topic: 'raw' as const, key: r.message.roomId, value: r })));
    const expected = expectedMailboxes(raws, loadConfig({}, env));
    expect(expected.size).toBeGreaterThan(3);

    const start = (name: string) => procs.set(name, spawnCli(['run', name], env));
    for (const s of STAGES) start(s);

    // Chaos: kill a random stage every 0.5–2 s for 25 s, restart it shortly after.
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const until = Date.now() + 25_000;
    let kills = 0;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500 + rnd() * 1500));
      const name = STAGES[Math.floor(rnd() * STAGES.length)]!;
      procs.get(name)!.child.kill('SIGKILL');
      await procs.get(name)!.exited;
      kills++;
      await new Promise((r) => setTimeout(r, rnd() * 500));
      start(name);
    }
    expect(kills).toBeGreaterThan(8);

    // Let the pipeline drain: the import group's committed offsets reach the end of webex.imports.v1.
    await waitUntil(async () => {
      const admin = rt.kafka.admin();
      await admin.connect();
      try {
        const total = (xs: { offset: string }[]) => xs.reduce((s, x) => s + Math.max(0, Number(x.offset)), 0);
        for (const [stage, topic] of [['convert', 'raw'], ['dedupe', 'converted'], ['limit', 'unique'], ['stage', 'limited'], ['route', 'staged'], ['import', 'imports']] as const) {
          const ends = await fetchTopicOffsets(admin, topicName(rt.config, topic));
          const [c] = await admin.fetchOffsets({ groupId: groupName(rt.config, stage), topics: [topicName(rt.config, topic)] });
          if (total(c!.partitions) !== total(ends)) return false;
        }
        return true;
      } finally { await admin.disconnect(); }
    }, 240_000, 'every stage to drain');

    for (const [mailbox, ids] of expected) {
      const held = (await readMailbox(mailbox)).map((m) => m.messageId ?? '');
      const d = diffMailbox(mailbox, ids, held);
      expect({ missing: d.missing, duplicated: d.duplicated, unexpected: d.unexpected }, `${mailbox} holds ${d.held}, expected ${d.expected}`).toEqual({ missing: [], duplicated: [], unexpected: [] });
      expect(d.held).toBe(ids.size);
    }
  }, 360_000);
});
