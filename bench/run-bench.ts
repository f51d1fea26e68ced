import { randomBytes } from 'node:crypto';
import { readAll } from '../src/memory/read-all.js';
import { infraUp } from '../infra/index.js';
import { startProcessor } from '../src/pipeline/processors.js';
import { stageWriteSlots } from '../src/processors/stage/index.js';
import { STAGES, STAGE_NAMES } from '../src/pipeline/stages.js';
import { kafkaCheckpoints } from '../src/capture/checkpoints.js';
import { crawlEvents } from '../src/capture/crawler.js';
import { createRoomCache } from '../src/capture/room-cache.js';
import { applyRegistration } from '../src/capture/webhook-registration.js';
import { createWebexFromConfig, webexSource } from '../src/capture/webex-source.js';
import { loadConfig } from '../src/config/load.js';
import type { Outcome, RawMessage, StagedItem } from '../src/kafka/records.js';
import { readTopicToEnd } from '../src/kafka/read-topic.js';
import type { RunningProcessor } from '../src/kafka/runner.js';
import { topicName } from '../src/kafka/topics.js';
import { startService } from '../src/service/service.js';
import { createSink } from '../src/sinks/create-sink.js';
import { generateOrg, startWebexSimulator } from '../src/simulator/index.js';
import { measureBigItem } from './big-item.js';
import { hopLatencies } from './hop-latency.js';
import { LIVE_ROLES, receiverEnv, waitFor } from './live-pipeline.js';
import { cleanUpRun } from './run-data.js';
import { blobUpload, imapAppend, kafkaPassThrough } from './ceilings.js';
import { latencyPercentiles, offerLiveLoad } from './latency.js';
import type { BenchReport } from './report.js';
import { crawlReport, stageRate } from './report.js';
import { pageTally } from './page-capacity.js';
import { webexPass } from './webex-pass.js';
import { startResourceSampler } from './resources.js';
import { startStageSampler } from './stage-sampler.js';
import { growthMb, startSupervisor } from './supervisor.js';
import { cpuBetween, cpuSnapshot } from './machine-cpu.js';
import { peakRate, rate } from './stats.js';

export interface BenchOptions {
  /**
   * Every processor in this one process (one event loop, one core): the topology before this
   * bench ran them as separate processes, kept for before/after.
   */
  inProcess: boolean;
  /** Leave the run's topics and blob containers on the servers (default: removed at the end, see run-data.ts). */
  keepData?: boolean;
  bigItemMb: number; messages: number; users: number; rooms: number; seed: number; latencySeconds: number; progress: (line: string) => void }

/** The crawl publishes to webex.raw.v1 directly, so the bench runs every stage after hydrate. */
const BENCH_STAGES = STAGE_NAMES.filter((n) => STAGES[n].input !== 'webhooks');


/**
 * The benchmark: a generated organization through the real pipeline on the real local servers
 * (IMAP into Dovecot), then raw ceilings with the same clients and payloads, then a live load at
 * half the measured sustainable rate for capture latency.
 */
export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const say = o.progress;
  await infraUp({ progress: (l) => say(`  ${l}`) });
  // First, while this process is fresh: what one very large attachment costs in memory.
  const bigItem = o.bigItemMb > 0 ? await measureBigItem(o.bigItemMb * 1024 * 1024, say, o.keepData) : null;
  const id = randomBytes(3).toString('hex');
  const org = generateOrg({ seed: o.seed, users: o.users, rooms: o.rooms, messages: o.messages });
  const fixture = { ...org, people: org.people.map((p) => ({ ...p, email: p.email.replace('@', `-b${id}@`) })) };
  const sim = await startWebexSimulator({ fixture });
  const env: Record<string, string> = {
    WXA_TOPIC_PREFIX: `bench-${id}.`, WXA_SINK: 'imap', WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_RECEIVER_PORT: '0',
    WXA_BLOB_ATTACHMENTS_CONTAINER: `bench-att-${id}`, WXA_BLOB_STAGING_CONTAINER: `bench-stg-${id}`,
    WXA_FALLBACK_MAILBOX: `compliance-b${id}@example.com`, WXA_LOG_LEVEL: process.env.WXA_LOG_LEVEL ?? 'warn',
  };
  const config = loadConfig(process.env, env);
  // The receiver (and its dashboard's outcome tail) runs here only in --in-process mode; otherwise
  // it is a process of its own in the live phase, and this process only measures.
  const service = await startService(config, { processors: [], receiver: o.inProcess });
  const rt = service.rt;
  const resources = startResourceSampler();
  const running: RunningProcessor[] = [];
  let children: ReturnType<typeof startSupervisor> | undefined;
  let head: ReturnType<typeof startSupervisor> | undefined;
  let capture: ReturnType<typeof startSupervisor> | undefined;
  try {
    if (!o.inProcess) {
      // As deployed: each processor its own process. Everything after convert starts now and
      // idles (its inputs are empty), so the timed run below pays no start-up but convert's.
      children = startSupervisor(BENCH_STAGES.slice(1).map((name) => ({ name, args: ['run', name] })), env, say);
      await children.ready();
    }
    say(`capture: crawling ${o.messages} messages from the simulator into webex.raw.v1`);
    // The crawl's own client, so its list pages are counted (page capacity) apart from the service's.
    const pages = pageTally();
    const crawlSource = webexSource(createWebexFromConfig(config, rt.logger, pages.observer));
    const crawlDeps = { source: crawlSource, reader: crawlSource, blob: rt.blob, rooms: createRoomCache(crawlSource), attachmentsContainer: config.attachmentsContainer, logger: rt.logger, publisher: rt.publisher, checkpoints: kafkaCheckpoints(rt) };
    const crawlNow = new Date();
    const lookbackHours = 24 * 400;
    sim.resetStats();
    const crawlT0 = Date.now();
    const captured = await crawlEvents(crawlDeps, { now: crawlNow, overlapMinutes: 0, firstRunLookbackHours: lookbackHours, pageSize: config.crawlPageSize });
    const crawlMs = Date.now() - crawlT0;
    const crawlStats = sim.stats;
    const crawlPages = pages.summary();

    say(`pipeline: ${captured.published} raw records through ${BENCH_STAGES.join(' → ')} into Dovecot`);
    const sink = createSink(config, rt.logger);
    if (o.inProcess) {
      for (const name of BENCH_STAGES) running.push(await startProcessor(name, { ...rt, sink: async () => sink }));
    } else {
      head = startSupervisor([{ name: 'convert', args: ['run', 'convert'] }], env, say);
      await head.ready();
    }
    const cpuAtStart = new Map([...(head?.cpuNow() ?? []), ...(children?.cpuNow() ?? [])]);
    const t0 = Date.now();
    const cpu0 = cpuSnapshot();
    const sampler = startStageSampler(rt.kafka, config, BENCH_STAGES);
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const imp = sampler.samples.get('import')!;
      say(`  ${Math.round((Date.now() - t0) / 1000)} s: ${BENCH_STAGES.map((s) => `${s} ${sampler.samples.get(s)!.records}`).join(', ')} (import lag max ${imp.maxLag})`);
      if (await sampler.drained()) break;
    }
    const endMs = Date.now() - t0;
    const machine = cpuBetween(cpu0, cpuSnapshot());
    await sampler.stop();
    children?.sample();
    head?.sample();
    // CPU over the pipeline phase, read now: the children idle through the ceilings and latency.
    const processes = children && head ? [...head.stats.values(), ...children.stats.values()].map((r) => ({ name: r.name, cpuPercent: ((r.cpuSeconds - (cpuAtStart.get(r.name) ?? 0)) * 100_000) / Math.max(1, endMs), peakRssMb: r.peakRssMb, rssGrowthMb: 0, steadyGrowthMb: 0 })) : [];
    const outcomes: Outcome[] = [];
    await readTopicToEnd<Outcome>(rt.kafka, rt.serde, topicName(config, 'outcomes'), (v) => v && outcomes.push(v));
    const items = outcomes.filter((x) => x.kind === 'imported' || x.kind === 'partial').length;
    const versions = sim.expected().length;
    const stages = BENCH_STAGES.map((s) => ({ ...sampler.samples.get(s)!, perSecond: stageRate(sampler.samples.get(s)!), peakPerSecond: peakRate(sampler.samples.get(s)!.points, 2000) }));

    say('ceilings: Kafka pass-through, IMAP APPEND, blob upload, with the same clients and sizes');
    const raws: RawMessage[] = [];
    await readTopicToEnd<RawMessage>(rt.kafka, rt.serde, topicName(config, 'raw'), (v) => v && raws.length < 200 && raws.push(v));
    const rawBytes = Math.round((await Promise.all(raws.slice(0, 50).map((r) => rt.serde.encode('raw', r)))).reduce((s, b) => s + b.length, 0) / Math.min(50, raws.length));
    const staged: StagedItem[] = [];
    await readTopicToEnd<StagedItem>(rt.kafka, rt.serde, topicName(config, 'staged'), (v) => v && staged.push(v));
    const sample = staged.slice(0, Math.min(staged.length, 1000));
    const emls = await Promise.all(sample.map(async (s) => readAll(await rt.blob.openRead(s.container, s.blobName))));
    // The crawl's ceiling: the same reads over the same range with the same kind of client, no Kafka, no blob.
    const plainPass = await webexPass(webexSource(createWebexFromConfig(config, rt.logger)), { from: new Date(crawlNow.getTime() - lookbackHours * 3600_000).toISOString(), to: crawlNow.toISOString() }, config.crawlPageSize);
    const crawl = crawlReport({ ms: crawlMs, published: captured.published, requests: crawlStats.requests, eventsRequests: crawlStats.byRoute['GET /v1/events'] ?? 0, plainPass, pages: crawlPages });
    const kafkaCeiling = await kafkaPassThrough(rt.kafka, config, Math.max(20_000, captured.published * 2), rawBytes);
    // As many connections as import can hold at once: one per mailbox, for up to
    // processorConcurrency partitions x the import's keyConcurrency mailboxes.
    const mailboxes = new Set(outcomes.map((x) => x.mailbox)).size;
    const importConnections = Math.max(1, Math.min(mailboxes, config.processorConcurrency * STAGES.import.keyConcurrency));
    const imapCeiling = await imapAppend(config, emls, importConnections, id);
    // As many uploads at once as a stage process can have (stageWriteSlots).
    const blobCeiling = await blobUpload(rt.blob, config.stagingContainer, emls, stageWriteSlots(config));

    const sustainable = rate(versions, endMs);
    const offered = Math.max(1, Math.min(50, sustainable / 2));
    say(`latency: hydrate on, ${o.latencySeconds} s of live messages at ${offered.toFixed(1)}/s (half of ${sustainable.toFixed(1)}/s)`);
    let webhookTarget: string;
    if (o.inProcess) {
      webhookTarget = `${service.url}/webhooks/webex`;
      running.push(await startProcessor('hydrate', { ...rt, source: service.source, sink: async () => sink }));
    } else {
      // As deployed: the receiver and hydrate in processes of their own, not in the event loop
      // that also serves the simulator (which made hydrate the bottleneck of a longer live load).
      const rcv = await receiverEnv();
      capture = startSupervisor(LIVE_ROLES.filter((r) => r.name === 'receiver' || r.name === 'hydrate'), { ...env, ...rcv.env }, say);
      await waitFor(() => fetch(`http://127.0.0.1:${rcv.port}/healthz`).then((r) => r.ok, () => false), 60_000, 'the receiver to answer');
      webhookTarget = rcv.env.WXA_WEBHOOK_TARGET_URL!;
    }
    children?.sample();
    await applyRegistration(createWebexFromConfig(config, rt.logger), webhookTarget, config.webhookSecret);
    const roomIds = [...new Set(sim.expected().filter((v) => v.roomType === 'group').map((v) => v.roomId))].slice(0, 8);
    // Memory under a steady load: each process's RSS samples from here to the end of the live phase.
    const statsNow = () => new Map([...(head?.stats ?? []), ...(children?.stats ?? []), ...(capture?.stats ?? [])]);
    const liveFrom = new Map([...statsNow()].map(([name, st]) => [name, st.rssSeries.length]));
    const created = await offerLiveLoad(sim.baseUrl, roomIds, offered, o.latencySeconds);
    let latency = latencyPercentiles([], created);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const all: Outcome[] = [];
      await readTopicToEnd<Outcome>(rt.kafka, rt.serde, topicName(config, 'outcomes'), (v) => v && all.push(v));
      latency = latencyPercentiles(all, created);
      if (latency.count >= created.size) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const hops = await hopLatencies(rt.kafka, rt.serde, config, created);
    const res = resources.stop();
    children?.sample();
    capture?.sample();
    const allStats = statsNow();
    // The capture processes took no part in the backlog: their row has no pipeline-phase CPU.
    for (const r of capture?.stats.values() ?? []) processes.push({ name: r.name, cpuPercent: Number.NaN, peakRssMb: r.peakRssMb, rssGrowthMb: 0, steadyGrowthMb: 0 });
    // Memory over the whole run (pipeline, ceilings, live load): flat means no growth.
    for (const p of processes) {
      const series = allStats.get(p.name)?.rssSeries ?? [];
      p.rssGrowthMb = growthMb(series);
      p.steadyGrowthMb = growthMb(series.slice(liveFrom.get(p.name) ?? series.length));
    }
    await sink.close();
    const e2eItems = rate(items, endMs);
    const byName = (n: string) => stages.find((s) => s.stage === n)!.perSecond;
    const peakOf = (n: string) => stages.find((s) => s.stage === n)!.peakPerSecond;
    return {
      at: new Date().toISOString(),
      org: { messages: o.messages, versions, users: o.users, rooms: o.rooms },
      endToEnd: { ms: endMs, versions, mailboxItems: items, messagesPerSecond: rate(versions, endMs), itemsPerSecond: e2eItems },
      stages,
      ceilings: [kafkaCeiling, imapCeiling, blobCeiling, plainPass],
      ratios: [
        { name: 'end-to-end mailbox items', rate: e2eItems, ceiling: imapCeiling.name, ceilingRate: imapCeiling.perSecond, ratio: e2eItems / imapCeiling.perSecond, target: 0.5 },
        { name: 'import stage (items)', rate: byName('import'), ceiling: imapCeiling.name, ceilingRate: imapCeiling.perSecond, ratio: byName('import') / imapCeiling.perSecond },
        { name: 'import stage, best 2 s (items)', rate: peakOf('import'), ceiling: imapCeiling.name, ceilingRate: imapCeiling.perSecond, ratio: peakOf('import') / imapCeiling.perSecond },
        { name: 'crawl (message versions to webex.raw.v1)', rate: crawl.perSecond, ceiling: plainPass.name, ceilingRate: plainPass.perSecond, ratio: crawl.ratio, target: 0.7 },
        { name: 'stage stage (.eml to blob)', rate: byName('stage'), ceiling: blobCeiling.name, ceilingRate: blobCeiling.perSecond, ratio: byName('stage') / blobCeiling.perSecond, target: 0.7 },
        { name: 'import stage, average over its best 2 s', rate: byName('import'), ceiling: 'import stage, best 2 s', ceilingRate: peakOf('import'), ratio: peakOf('import') > 0 ? byName('import') / peakOf('import') : 0, target: 0.7 },
        ...(['convert', 'dedupe', 'limit', 'route'] as const).map((s) => ({ name: `${s} stage (records)`, rate: byName(s), ceiling: kafkaCeiling.name, ceilingRate: kafkaCeiling.perSecond, ratio: byName(s) / kafkaCeiling.perSecond })),
      ],
      latency: { offeredPerSecond: offered, seconds: o.latencySeconds, ...latency, hops },
      resources: { ...res, note: o.inProcess ? 'all processors, the receiver and the simulator run in this one process' : 'this process: the simulator, the crawl and the measuring; the receiver, hydrate and the processors below' },
      processes,
      machine,
      bigItem,
      crawl,
      settings: { topology: o.inProcess ? 'in-process' : 'process per processor', imapCeilingConnections: importConnections, blobCeilingConcurrency: stageWriteSlots(config), processorConcurrency: config.processorConcurrency, topicPartitions: config.topicPartitions, sink: 'imap (Dovecot)', cores: 2 },
    };
  } finally {
    for (const r of running.reverse()) await r.stop().catch(() => undefined);
    await capture?.stop();
    await children?.stop();
    await head?.stop();
    await service.stop().catch(() => undefined);
    await sim.close();
    if (!o.keepData) await cleanUpRun(config, rt.logger, say);
  }
}

