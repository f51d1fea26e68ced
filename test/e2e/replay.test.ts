import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProcessor } from '../../src/kafka/runner.js';
import { groupName, topicName } from '../../src/kafka/topics.js';
import { startProcessor } from '../../src/pipeline/processors.js';
import { kafkaCheckpoints } from '../../src/capture/checkpoints.js';
import { crawlEvents } from '../../src/capture/crawler.js';
import { createRoomCache } from '../../src/capture/room-cache.js';
import { replay } from '../../src/ops/replay.js';
import { createSink } from '../../src/sinks/create-sink.js';
import type { MailboxSink } from '../../src/sinks/sink.js';
import { startService, type ArchiverService } from '../../src/service/service.js';
import { generateOrg, startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { maildirFolderPath } from '../../src/sinks/maildir.js';
import { testConfig, uniqueId, uniqueOrg } from '../support/config.js';
import { waitUntil } from '../support/wait.js';
import { fetchTopicOffsets } from '../../src/kafka/admin-offsets.js';

// Replay on the Maildir sink: from the earliest offset nothing is duplicated; after one mailbox's
// folder is deleted, a replay restores exactly that folder.
describe('replay re-imports only what is missing', () => {
  const id = uniqueId();
  let sim: WebexSimulator;
  let service: ArchiverService;
  let sink: MailboxSink;
  let importer: RunningProcessor | undefined;
  const config = () => service.rt.config;

  const lagZero = async (processor: string, topic: 'imports') => {
    const admin = service.rt.kafka.admin();
    await admin.connect();
    try {
      const ends = await fetchTopicOffsets(admin, topicName(config(), topic));
      const [c] = await admin.fetchOffsets({ groupId: groupName(config(), processor), topics: [topicName(config(), topic)] });
      const total = (xs: { offset: string }[]) => xs.reduce((s, x) => s + Math.max(0, Number(x.offset)), 0);
      return total(ends) > 0 && total(c!.partitions) === total(ends);
    } finally { await admin.disconnect(); }
  };
  const counts = async (mailboxes: string[]) => Object.fromEntries(await Promise.all(mailboxes.map(async (m) => [m, await sink.countItems!(m, config().mailFolder)] as const)));

  beforeAll(async () => {
    sim = await startWebexSimulator({ fixture: uniqueOrg(generateOrg({ seed: 41, users: 5, rooms: 3, messages: 30 }), id) });
    const cfg = testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_SINK: 'maildir', WXA_RECEIVER_PORT: '0', WXA_FALLBACK_MAILBOX: `compliance-${id}@example.com` });
    service = await startService(cfg, { processors: ['convert', 'dedupe', 'limit', 'stage', 'route'], receiver: false });
    sink = createSink(cfg, service.rt.logger);
    const rt = service.rt;
    await crawlEvents({ source: service.source, reader: service.source, blob: rt.blob, rooms: createRoomCache(service.source), attachmentsContainer: cfg.attachmentsContainer, logger: rt.logger, publisher: rt.publisher, checkpoints: kafkaCheckpoints(rt) },
      { now: new Date(), overlapMinutes: 0, windowMinutes: 60 * 24 * 30, firstRunLookbackHours: 24 * 400 });
  });
  afterAll(async () => { await importer?.stop(); await sink?.close(); await service?.stop(); await sim?.close(); });

  const startImport = async () => { importer = await startProcessor('import', { ...service.rt, sink: async () => sink }); };
  const stopImport = async () => { await importer?.stop(); importer = undefined; };

  it('replaying import from the earliest offset leaves every mailbox unchanged; a deleted folder comes back exactly', async () => {
    await startImport();
    await waitUntil(() => lagZero('import', 'imports'), 120_000, 'import to drain');
    const mailboxes = [...new Set(sim.expected().map((v) => v.personEmail.toLowerCase()).filter((e) => e.endsWith('@example.com')))];
    const before = await counts(mailboxes);
    expect(Object.values(before).reduce((a, b) => a + b, 0)).toBeGreaterThan(30);

    await stopImport();
    const r = await replay(service.rt, { processor: 'import', target: { kind: 'earliest' } }, { waitTimeoutMs: 30_000 });
    expect(r.partitions.some((p) => p.to === '0')).toBe(true);
    await startImport();
    await waitUntil(() => lagZero('import', 'imports'), 120_000, 'replay to drain');
    expect(await counts(mailboxes)).toEqual(before);

    const victim = mailboxes.find((m) => before[m]! > 0)!;
    await stopImport();
    rmSync(maildirFolderPath(config().maildirRoot, victim, config().mailFolder), { recursive: true, force: true });
    expect(await sink.countItems!(victim, config().mailFolder)).toBe(0);
    await replay(service.rt, { processor: 'import', target: { kind: 'earliest' }, mailbox: victim }, { waitTimeoutMs: 30_000 });
    await startImport();
    await waitUntil(async () => (await sink.countItems!(victim, config().mailFolder)) === before[victim] && (await lagZero('import', 'imports')), 120_000, 'the deleted folder to be restored');
    expect(await counts(mailboxes)).toEqual(before);
  }, 300_000);
});
