import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { infraUp } from '../infra/index.js';
import { readMailbox } from '../infra/dovecot-mailbox.js';
import { kafkaCheckpoints } from '../src/capture/checkpoints.js';
import { crawlEvents } from '../src/capture/crawler.js';
import { createRoomCache } from '../src/capture/room-cache.js';
import { applyRegistration } from '../src/capture/webhook-registration.js';
import { createWebexFromConfig, webexSource } from '../src/capture/webex-source.js';
import { loadConfig } from '../src/config/load.js';
import type { RawMessage } from '../src/kafka/records.js';
import { readTopicToEnd } from '../src/kafka/read-topic.js';
import { topicName } from '../src/kafka/topics.js';
import { fetchPipelineLag } from '../src/ops/offsets.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { generateOrg, startWebexSimulator, type ExpectedVersion } from '../src/simulator/index.js';
import { diffMailbox, expectedMailboxes, type MailboxDiff } from './expected-mailboxes.js';
import { soakFaults, type FaultKey } from './soak-faults.js';
import type { SoakReport } from './soak-report.js';
import { cleanUpRun } from './run-data.js';
import { LIVE_ROLES, receiverEnv, startLivePipeline } from './live-pipeline.js';

export interface SoakOptions { faults: ReadonlySet<FaultKey>; minutes: number; messages: number; users: number; rooms: number; seed: number; progress: (line: string) => void; keepData?: boolean }


/**
 * The fault soak: a generated organization played live as signed webhooks into the real pipeline
 * (every role its own process, IMAP into Dovecot) while processes are SIGKILLed at random, the
 * broker restarts, Azurite freezes, Dovecot goes away and Webex answers 429s. Then the
 * reconciliation crawl (as the daily run would), a drain, and the verdict: every mailbox must
 * hold exactly the items the pure cores say it must, none missing and none twice.
 */
export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const say = o.progress;
  const t0 = Date.now();
  await infraUp({ progress: (l) => say(`  ${l}`) });
  const id = randomBytes(3).toString('hex');
  const org = generateOrg({ seed: o.seed, users: o.users, rooms: o.rooms, messages: o.messages });
  const fixture = { ...org, people: org.people.map((p) => ({ ...p, email: p.email.replace('@', `-s${id}@`) })) };
  const sim = await startWebexSimulator({ fixture, holdMessages: true });
  const { port, env: receiver } = await receiverEnv();
  const env: Record<string, string> = {
    ...receiver, WXA_TOPIC_PREFIX: `soak-${id}.`, WXA_SINK: 'imap', WXA_WEBEX_BASE_URL: sim.baseUrl,
    WXA_BLOB_ATTACHMENTS_CONTAINER: `soak-att-${id}`, WXA_BLOB_STAGING_CONTAINER: `soak-stg-${id}`,
    WXA_FALLBACK_MAILBOX: `compliance-s${id}@example.com`, WXA_LOG_LEVEL: process.env.WXA_LOG_LEVEL ?? 'error',
  };
  const config = loadConfig(process.env, env);
  const rt = await createRuntime(config);
  const { supervisor, client } = await startLivePipeline(config, env, port, rt.logger, say);
  const faultLog: SoakReport['faults'] = [];
  try {
    const durationMs = o.minutes * 60_000;
    const steps = sim.expected().length;
    say(`soak ${id}: ${steps} message versions played live over ${o.minutes} min into ${LIVE_ROLES.length} supervised processes (topic prefix ${env.WXA_TOPIC_PREFIX})`);
    const playing = sim.playLive({ memberships: true, intervalMs: Math.max(5, Math.floor((durationMs * 0.8) / steps)) });

    // Chaos until the deadline: a random SIGKILL every 3-8 s, and each infrastructure fault once at its time.
    const faults = soakFaults(sim, say, o.faults);
    const chaosStart = Date.now();
    let rnd = o.seed;
    const next = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let pendingFault: Promise<void> = Promise.resolve();
    while (Date.now() - chaosStart < durationMs) {
      await sleep(3000 + next() * 5000);
      const elapsed = (Date.now() - chaosStart) / durationMs;
      const due = faults.filter((f) => f.atFraction <= elapsed && !faultLog.some((x) => x.name === f.name));
      for (const f of due) {
        const at = Math.round((Date.now() - t0) / 1000);
        faultLog.push({ name: f.name, atSeconds: at, detail: 'running' });
        say(`  fault at ${at} s: ${f.name}`);
        pendingFault = pendingFault.then(() => f.run()).then(
          (detail) => { faultLog.find((x) => x.name === f.name)!.detail = detail; say(`  fault done: ${f.name}: ${detail}`); },
          (err: Error) => { faultLog.find((x) => x.name === f.name)!.detail = `FAILED: ${err.message}`; say(`  fault failed: ${f.name}: ${err.message}`); },
        );
      }
      if (!o.faults.has('kills')) continue;
      const victim = LIVE_ROLES[Math.floor(next() * LIVE_ROLES.length)]!.name;
      say(`  ${Math.round((Date.now() - t0) / 1000)} s: SIGKILL ${victim}`);
      await supervisor.kill(victim);
    }
    await pendingFault;
    const played = await playing;
    say(`chaos over: ${played.versions} versions played, ${[...supervisor.stats.values()].reduce((s, r) => s + r.kills, 0)} kills`);

    // Webex disables a webhook after repeated failed deliveries (the receiver was down or Kafka was
    // away); an operator runs `webhooks repair`, and the daily crawl fills in what was missed.
    const repaired = await applyRegistration(client, config.webhookTargetUrl, config.webhookSecret, { repairOnly: true });
    const source = webexSource(client);
    const crawled = await crawlEvents(
      { source, reader: source, blob: rt.blob, rooms: createRoomCache(source), attachmentsContainer: config.attachmentsContainer, logger: rt.logger, publisher: rt.publisher, checkpoints: kafkaCheckpoints(rt) },
      { now: new Date(), overlapMinutes: 0, firstRunLookbackHours: (Date.now() - t0) / 3_600_000 + 0.5 },
    );
    say(`reconciliation: ${repaired.reactivate.length} webhooks re-activated, crawl published ${crawled.published} raw records`);

    await drain(rt, say);
    const verdict = await verify(rt, sim.expected(), say);
    return {
      at: new Date().toISOString(), minutes: o.minutes, seconds: Math.round((Date.now() - t0) / 1000),
      org: { messages: o.messages, versions: steps, users: o.users, rooms: o.rooms },
      faults: faultLog, roles: [...supervisor.stats.values()].map(({ lastOutput: _omit, ...r }) => r),
      crawlPublished: crawled.published, ...verdict,
    };
  } finally {
    await supervisor.stop();
    sim.faults.clear();
    await rt.close().catch(() => undefined);
    await sim.close();
    if (!o.keepData) await cleanUpRun(config, rt.logger, say);
  }
}

/** Until every processor group's committed offsets reach its input's end, twice in a row. */
async function drain(rt: Runtime, say: (line: string) => void): Promise<void> {
  const admin = rt.kafka.admin();
  await admin.connect();
  try {
    let quiet = 0;
    const deadline = Date.now() + 10 * 60_000;
    while (quiet < 2) {
      if (Date.now() > deadline) throw new Error('the pipeline did not drain within 10 minutes');
      await sleep(2000);
      const lags = await fetchPipelineLag(admin, rt.config);
      const total = lags.reduce((s, g) => s + g.lagSum, 0);
      quiet = total === 0 && lags.every((g) => !g.error) ? quiet + 1 : 0;
      say(`  draining: ${lags.map((g) => `${g.processor} ${g.error ? '?' : g.lagSum}`).join(', ')}`);
    }
  } finally {
    await admin.disconnect();
  }
}

async function verify(rt: Runtime, expectedVersions: readonly ExpectedVersion[], say: (line: string) => void) {
  const raws: RawMessage[] = [];
  await readTopicToEnd<RawMessage>(rt.kafka, rt.serde, topicName(rt.config, 'raw'), (v) => v && raws.push(v));
  // Capture: every version Webex holds reached webex.raw.v1 at least once.
  const captured = new Set(raws.map((r) => `${r.message.id}/${r.event === 'deleted' ? 'deleted' : `${r.event}@${r.versionAt}`}`));
  const notCaptured = expectedVersions.filter((v) => !captured.has(`${v.messageId}/${v.kind === 'deleted' ? 'deleted' : `${v.kind}@${v.at}`}`)).map((v) => `${v.messageId} ${v.kind} ${v.at}`);
  const expected = expectedMailboxes(raws, rt.config);
  const mailboxes: MailboxDiff[] = [];
  for (const [mailbox, ids] of expected) mailboxes.push(diffMailbox(mailbox, ids, (await readMailbox(mailbox)).map((m) => m.messageId ?? '')));
  const lost = mailboxes.reduce((s, d) => s + d.missing.length, 0);
  const duplicated = mailboxes.reduce((s, d) => s + d.duplicated.length, 0);
  const unexpected = mailboxes.reduce((s, d) => s + d.unexpected.length, 0);
  const items = mailboxes.reduce((s, d) => s + d.expected, 0);
  say(`verdict: ${mailboxes.length} mailboxes, ${items} items expected, ${lost} lost, ${duplicated} duplicated, ${unexpected} unexpected; ${notCaptured.length} versions never captured`);
  return { rawRecords: raws.length, mailboxCount: mailboxes.length, items, lost, duplicated, unexpected, notCaptured, problems: mailboxes.filter((d) => d.missing.length || d.duplicated.length || d.unexpected.length) };
}
