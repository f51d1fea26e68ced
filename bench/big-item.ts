import { randomBytes } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RUN_DIR } from '../infra/paths.js';
import { createProcessor } from '../processors/index.js';
import { kafkaCheckpoints } from '../src/capture/checkpoints.js';
import { crawlEvents } from '../src/capture/crawler.js';
import { createRoomCache } from '../src/capture/room-cache.js';
import { createWebexFromConfig, webexSource } from '../src/capture/webex-source.js';
import { loadConfig } from '../src/config/load.js';
import type { Outcome } from '../src/kafka/records.js';
import { readTopicToEnd } from '../src/kafka/read-topic.js';
import { runProcessor, type RunningProcessor } from '../src/kafka/runner.js';
import { topicName } from '../src/kafka/topics.js';
import { createRuntime } from '../src/runtime.js';
import { createSink } from '../src/sinks/sink.js';
import { spawnCli, type CliProcess } from '../src/cli/child.js';
import { peakRssMb } from './supervisor.js';

const STAGES = ['convert', 'dedupe', 'limit', 'stage', 'route', 'import'] as const;

export interface ItemMemory { attachmentBytes: number; mailboxes: number; largestItemBytes: number; peakBeforeMb: number; peakAfterMb: number; peakRiseMb: number; ms: number }

export interface BigItemResult { items: ItemMemory[]; mbPerMb: number; note: string }

/**
 * RSS is not a tight measure: any streamed item costs a working set (blob SDK block buffers, HTTP
 * buffers, garbage the collector has not taken yet) whatever its size. So after a warm-up we
 * measure a 1 MB, a quarter-size and the full-size attachment; what the size itself costs is the
 * slope between the two largest (MB of peak RSS per MB of attachment): 0 means flat.
 */
export async function measureBigItem(sizeBytes: number, say: (line: string) => void): Promise<BigItemResult> {
  await measureItem(1024 * 1024, () => undefined);
  const items: ItemMemory[] = [];
  for (const size of [1024 * 1024, Math.round(sizeBytes / 4), sizeBytes]) items.push(await measureItem(size, say));
  const [, mid, big] = items as [ItemMemory, ItemMemory, ItemMemory];
  return {
    items, mbPerMb: (big.peakRiseMb - mid.peakRiseMb) / ((big.attachmentBytes - mid.attachmentBytes) / 1048576),
    note: 'capture, stage and import in this one process, the simulator in its own; size limit raised to 2x the attachment so it is rendered whole; Maildir sink (IMAP APPEND needs the literal in memory, bounded by the size limit)',
  };
}

async function measureItem(sizeBytes: number, say: (line: string) => void): Promise<ItemMemory> {
  const id = randomBytes(3).toString('hex');
  const people = ['ana', 'bo'].map((k) => ({ key: k, email: `${k}-big${id}@example.com`, displayName: k.toUpperCase() }));
  const created = new Date(Date.now() - 3600_000).toISOString();
  // The simulator runs in its own process: Webex is not part of our memory, and serving 100 MB
  // from the measured process would count the server's buffers as ours.
  const fixtureFile = path.join(RUN_DIR, `bench-big-${id}.json`);
  writeFileSync(fixtureFile, JSON.stringify({
    org: { domains: ['example.com'] }, people, teams: [],
    rooms: [{ key: 'r', type: 'group', title: 'Large files', created }],
    memberships: people.map((p) => ({ room: 'r', person: p.key, joined: created, left: null })),
    messages: [{ key: 'm', room: 'r', person: 'ana', created, text: 'the model, all of it', files: [{ name: 'model.bin', contentType: 'application/octet-stream', size: sizeBytes }] }],
  }));
  const sim = spawnCli(['simulator', '--fixture', fixtureFile, '--port', '0'], {});
  const baseUrl = await simulatorUrl(sim);
  const maildir = path.join(RUN_DIR, `bench-big-${id}`);
  const config = loadConfig(process.env, {
    WXA_TOPIC_PREFIX: `bench-big-${id}.`, WXA_WEBEX_BASE_URL: baseUrl, WXA_SINK: 'maildir', WXA_MAILDIR_ROOT: maildir,
    WXA_MAX_ITEM_BYTES: String(sizeBytes * 2), WXA_BLOB_ATTACHMENTS_CONTAINER: `bench-big-att-${id}`, WXA_BLOB_STAGING_CONTAINER: `bench-big-stg-${id}`,
    WXA_LOG_LEVEL: process.env.WXA_LOG_LEVEL ?? 'warn',
  });
  const rt = await createRuntime(config);
  const sink = createSink(config, rt.logger);
  const running: RunningProcessor[] = [];
  try {
    for (const name of STAGES) running.push(await runProcessor(await createProcessor(name, { ...rt, sink: async () => sink }), rt));
    resetPeakRss();
    const peakBeforeMb = peakRssMb(process.pid);
    const t0 = Date.now();
    say(`item memory: one message with a ${Math.round(sizeBytes / 1024 / 1024)} MB attachment, Webex → blob → MIME → Maildir`);
    const source = webexSource(createWebexFromConfig(config, rt.logger));
    await crawlEvents(
      { source, reader: source, blob: rt.blob, rooms: createRoomCache(source), attachmentsContainer: config.attachmentsContainer, logger: rt.logger, publisher: rt.publisher, checkpoints: kafkaCheckpoints(rt) },
      { now: new Date(), overlapMinutes: 0, windowMinutes: 24 * 60, firstRunLookbackHours: 24 },
    );
    const deadline = Date.now() + 5 * 60_000;
    let imported = 0;
    while (imported < people.length) {
      if (Date.now() > deadline) throw new Error('the large item was not imported within 5 minutes');
      await sleep(500);
      const outcomes: Outcome[] = [];
      await readTopicToEnd<Outcome>(rt.kafka, rt.serde, topicName(config, 'outcomes'), (v) => v && outcomes.push(v));
      imported = outcomes.filter((x) => x.kind === 'imported').length;
    }
    const ms = Date.now() - t0;
    const peakAfterMb = peakRssMb(process.pid);
    const largestItemBytes = Math.max(0, ...files(maildir).map((f) => statSync(f).size));
    if (largestItemBytes < sizeBytes) throw new Error(`the imported item is ${largestItemBytes} B, smaller than its attachment`);
    return {
      attachmentBytes: sizeBytes, mailboxes: imported, largestItemBytes, peakBeforeMb, peakAfterMb, peakRiseMb: peakAfterMb - peakBeforeMb, ms,
    };
  } finally {
    for (const r of running.reverse()) await r.stop().catch(() => undefined);
    await sink.close();
    await rt.close();
    sim.child.kill('SIGTERM');
    await sim.exited;
  }
}

/** Linux: writing 5 to clear_refs resets VmHWM to the current RSS (proc(5)), so the peak that follows is this phase's own. */
function resetPeakRss(): void {
  try { writeFileSync('/proc/self/clear_refs', '5'); } catch { /* not Linux, or not permitted: the peak then includes earlier work */ }
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function simulatorUrl(sim: CliProcess): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = /listening on (http:\/\/\S+)/.exec(sim.output());
    if (m) return m[1]!;
    if (Date.now() > deadline || sim.child.exitCode !== null) throw new Error(`the simulator did not start: ${sim.output().slice(-500)}`);
    await sleep(100);
  }
}
