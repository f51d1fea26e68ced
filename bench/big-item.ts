import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RUN_DIR } from '../infra/paths.js';
import { loadConfig } from '../src/config/load.js';
import type { Outcome } from '../src/kafka/records.js';
import { readTopicToEnd } from '../src/kafka/read-topic.js';
import { topicName } from '../src/kafka/topics.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { startWebexSimulator } from '../src/simulator/index.js';
import { receiverEnv, startLivePipeline } from './live-pipeline.js';
import { cleanUpRun } from './run-data.js';
import { peakRssMb, resetPeakRss, rssMb } from './supervisor.js';

/** What one attachment size cost each process: its peak RSS over its RSS just before the item came. */
export interface ItemMemory { attachmentBytes: number; outcome: string; largestItemBytes: number | null; ms: number; riseMb: Record<string, number> }

export interface BigItemScenario {
  name: string;
  sink: 'imap' | 'maildir';
  maxItemBytes: number;
  /** Sizes in order: a small control item first, the largest last. */
  items: ItemMemory[];
  /** Per process: the largest item's rise minus the control item's (what the size itself cost). */
  sizeCostMb: Record<string, number>;
}

export interface BigItemResult { attachmentBytes: number; scenarios: BigItemScenario[]; worst: { scenario: string; process: string; sizeCostMb: number }; note: string }

/**
 * The memory cost of one very large attachment, per process, in the deployed topology: the
 * receiver and every processor in its own process (the Webex simulator in this one), the message
 * played live as a signed webhook. Each process is warmed up with a 1 MB item; then, before each
 * measured item, its VmHWM is reset to its RSS, so its peak afterwards is that item's own. RSS is
 * not a tight measure: handling any item costs a working set (HTTP and blob SDK buffers, garbage
 * the collector has not taken yet), so a 1 MB control item is measured the same way and the size
 * cost is the largest item's rise minus the control's. The first large item a process streams
 * also grows its young generation once (V8 sizes it to the allocation rate), which shows as a
 * larger rise at the quarter size than at the full size.
 *
 * Two scenarios: the defaults (10 MB limit, oversized attachments stripped to a placeholder and
 * kept in blob storage: only capture ever holds the large file), imported over IMAP; and the limit
 * raised to twice the attachment so stage renders it and import writes it whole, into Maildir
 * (IMAP APPEND sends the literal from memory, bounded by the size limit).
 */
export async function measureBigItem(sizeBytes: number, say: (line: string) => void, keepData = false): Promise<BigItemResult> {
  const sizes = [1024 * 1024, Math.round(sizeBytes / 4), sizeBytes];
  const scenarios = [
    await measureScenario({ name: 'defaults: 10 MB limit, attachments over it stripped, IMAP', sink: 'imap', maxItemBytes: 10 * 1024 * 1024 }, sizes, say, keepData),
    await measureScenario({ name: 'limit raised to 2x the attachment, rendered whole, Maildir', sink: 'maildir', maxItemBytes: sizeBytes * 2 }, sizes, say, keepData),
  ];
  const all = scenarios.flatMap((s) => Object.entries(s.sizeCostMb).map(([process, mb]) => ({ scenario: s.name, process, sizeCostMb: mb })));
  const worst = all.reduce((a, b) => (b.sizeCostMb > a.sizeCostMb ? b : a));
  return { attachmentBytes: sizeBytes, scenarios, worst, note: 'each process its own, as deployed; rise = peak RSS while the item passed minus RSS just before; size cost = the largest item\'s rise minus a 1 MB control item\'s' };
}

async function measureScenario(s: Pick<BigItemScenario, 'name' | 'sink' | 'maxItemBytes'>, sizes: number[], say: (line: string) => void, keepData: boolean): Promise<BigItemScenario> {
  const id = randomBytes(3).toString('hex');
  const people = ['ana', 'bo'].map((k) => ({ key: k, email: `${k}-big${id}@example.com`, displayName: k.toUpperCase() }));
  const created = new Date(Date.now() - 3600_000).toISOString();
  const keys = ['warm', ...sizes.map((_, i) => `m${i}`)];
  const sim = await startWebexSimulator({
    holdMessages: true,
    fixture: {
      org: { domains: ['example.com'] }, people, teams: [],
      rooms: [{ key: 'r', type: 'group', title: 'Large files', created }],
      memberships: people.map((p) => ({ room: 'r', person: p.key, joined: created, left: null })),
      messages: keys.map((key, i) => ({ key, room: 'r', person: 'ana', created, text: `file ${key}`, files: [{ name: `${key}.bin`, contentType: 'application/octet-stream', size: i === 0 ? 1024 * 1024 : sizes[i - 1]! }] })),
    },
  });
  const maildir = path.join(RUN_DIR, `bench-big-${id}`);
  const { port, env: receiver } = await receiverEnv();
  const env: Record<string, string> = {
    ...receiver, WXA_TOPIC_PREFIX: `bench-big-${id}.`, WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_SINK: s.sink, WXA_MAILDIR_ROOT: maildir,
    WXA_MAX_ITEM_BYTES: String(s.maxItemBytes), WXA_BLOB_ATTACHMENTS_CONTAINER: `bench-big-att-${id}`, WXA_BLOB_STAGING_CONTAINER: `bench-big-stg-${id}`,
    WXA_LOG_LEVEL: process.env.WXA_LOG_LEVEL ?? 'warn',
  };
  const config = loadConfig(process.env, env);
  const rt = await createRuntime(config);
  say(`item memory (${s.name}): receiver and processors as processes, ${sizes.map((b) => `${Math.round(b / 1048576)} MB`).join(', ')} after a 1 MB warm-up`);
  const { supervisor } = await startLivePipeline(config, env, port, rt.logger, say);
  try {
    await playAndWait(sim, rt, 'warm');
    const items: ItemMemory[] = [];
    for (const [i, size] of sizes.entries()) {
      const pids = supervisor.pids();
      // Let the previous item's garbage settle, then start each process's peak from its RSS now.
      await sleep(1000);
      const base = new Map([...pids].map(([name, pid]) => { resetPeakRss(pid); return [name, rssMb(pid)] as const; }));
      const t0 = Date.now();
      const outcome = await playAndWait(sim, rt, `m${i}`);
      const ms = Date.now() - t0;
      await sleep(500);
      const riseMb = Object.fromEntries([...pids].map(([name, pid]) => [name, Math.max(0, peakRssMb(pid) - base.get(name)!)]));
      const largestItemBytes = s.sink === 'maildir' ? largestFile(maildir) : null;
      items.push({ attachmentBytes: size, outcome, largestItemBytes, ms, riseMb });
      say(`  ${Math.round(size / 1048576)} MB (${outcome}, ${ms} ms): ${Object.entries(riseMb).map(([n, mb]) => `${n} +${mb.toFixed(1)}`).join(', ')} MB`);
    }
    const [control, largest] = [items[0]!, items[items.length - 1]!];
    if (s.sink === 'maildir' && (largest.largestItemBytes ?? 0) < largest.attachmentBytes) throw new Error(`the imported item is ${largest.largestItemBytes} B, smaller than its attachment`);
    const sizeCostMb = Object.fromEntries(Object.keys(largest.riseMb).map((n) => [n, largest.riseMb[n]! - (control.riseMb[n] ?? 0)]));
    return { ...s, items, sizeCostMb };
  } finally {
    await supervisor.stop();
    await rt.close().catch(() => undefined);
    await sim.close();
    if (!keepData) await cleanUpRun(config, rt.logger, () => undefined);
  }
}

/** Plays one held message live and waits until it reached both mailboxes; returns its outcome kind (imported, or partial when stripped). */
async function playAndWait(sim: Awaited<ReturnType<typeof startWebexSimulator>>, rt: Runtime, key: string): Promise<string> {
  const messageId = sim.expected().find((v) => v.messageKey === key)!.messageId;
  await sim.playLive({ messages: [key] });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const outcomes: Outcome[] = [];
    await readTopicToEnd<Outcome>(rt.kafka, rt.serde, topicName(rt.config, 'outcomes'), (v) => v && v.webexMessageId === messageId && outcomes.push(v));
    const done = outcomes.filter((x) => x.kind === 'imported' || x.kind === 'partial');
    if (done.length >= 2) return done[0]!.kind;
    const failed = outcomes.find((x) => x.kind === 'failed' || x.kind === 'rejected');
    if (failed) throw new Error(`item ${key}: ${failed.kind}: ${failed.reason}`);
    if (Date.now() > deadline) throw new Error(`item ${key} was not imported within 5 minutes`);
    await sleep(300);
  }
}

function largestFile(dir: string): number {
  try {
    return Math.max(0, ...readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => statSync(path.join(e.parentPath, e.name)).size));
  } catch {
    return 0;
  }
}
