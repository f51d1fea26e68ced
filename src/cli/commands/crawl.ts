import { Registry } from 'prom-client';
import { kafkaCheckpoints } from '../../capture/checkpoints.js';
import { backfill, crawlEvents, type CrawlerDeps } from '../../capture/crawler.js';
import { nextDailyRun } from '../../capture/crawl-window.js';
import { captureChangesOf } from '../../capture/capture-message.js';
import { membershipCapture } from '../../capture/participants.js';
import { createRoomCache } from '../../capture/room-cache.js';
import { createWebexFromConfig, webexSource } from '../../capture/webex-source.js';
import { loadConfig } from '../../config/load.js';
import { ArchiverError } from '../../errors.js';
import { createMetrics } from '../../ops/metrics.js';
import { startMetricsListener } from '../../ops/metrics-endpoint.js';
import { createRuntime, type Runtime } from '../../runtime.js';
import { webexMetricsObserver } from '../../service/webex-metrics.js';
import { parseFlags, type Command } from '../command.js';
import { onShutdown } from '../lifecycle.js';
import { progressLine } from '../progress.js';

export const crawlCommand: Command = {
  name: 'crawl',
  usage: `webex-archiver crawl [--since DATE] [--schedule]

  (no flags)      read message events from the checkpoint (minus WXA_CRAWL_OVERLAP_MINUTES) to now,
                  WXA_CRAWL_PAGE_SIZE a page, publish raw records, move the checkpoint after each
                  page; resumes after a crash at the page it had not finished
  --since DATE    backfill: also list every room and its messages back to DATE (ISO-8601). The run
                  is named by DATE, so rerunning the same DATE after a crash resumes it: rooms it
                  finished are skipped. To redo finished rooms, give another DATE (even a second off)
  --schedule      stay running and crawl every day at WXA_CRAWL_DAILY_AT (UTC); serves its /metrics
                  (Webex requests, retries and 429s) on WXA_METRICS_HOST:WXA_METRICS_PORT
  Progress is shown on stderr. Rate limits (429 Retry-After) are honoured.`,

  async run(argv) {
    const { values } = parseFlags(argv, { since: { type: 'string' }, schedule: { type: 'boolean' } });
    const since = values.since ? new Date(values.since) : undefined;
    if (since && Number.isNaN(since.getTime())) throw new ArchiverError('BAD_INPUT', `--since: "${values.since}" is not a date`);
    const config = loadConfig();
    const rt = await createRuntime(config);
    onShutdown('runtime', () => rt.close());
    let source;
    if (values.schedule) {
      // The long-running crawler is where its Webex 429s and retries happen: count and serve them.
      const registry = new Registry();
      const metrics = createMetrics(registry);
      const listener = await startMetricsListener(config, registry, rt.logger);
      onShutdown('metrics', () => listener.close());
      process.stderr.write(`metrics ${listener.url}\n`);
      source = webexSource(createWebexFromConfig(config, rt.logger, webexMetricsObserver(metrics.webexObserver)));
    }
    const deps = crawlerDeps(rt, source);
    if (since) await runBackfill(deps, since);
    await runIncremental(deps, rt);
    if (!values.schedule) { await rt.close(); return 0; }
    for (;;) {
      const next = nextDailyRun(new Date(), config.crawlDailyAt);
      process.stderr.write(`next crawl at ${next.toISOString()}\n`);
      await new Promise((r) => setTimeout(r, next.getTime() - Date.now()));
      await runIncremental(deps, rt).catch((err: Error) => rt.logger.error({ err: err.message }, 'scheduled crawl failed; will try at the next run'));
    }
  },
};

export function crawlerDeps(rt: Runtime, source = webexSource(createWebexFromConfig(rt.config, rt.logger))): CrawlerDeps {
  const progress = progressLine();
  return {
    source,
    reader: source,
    blob: rt.blob,
    rooms: createRoomCache(source),
    attachmentsContainer: rt.config.attachmentsContainer,
    logger: rt.logger.child({ component: 'crawler' }),
    publisher: rt.publisher,
    checkpoints: kafkaCheckpoints(rt),
    ...membershipCapture(rt, source, 'crawler'),
    captureChanges: captureChangesOf(rt.config),
    progress: (p) => progress.update(`crawl ${p.phase}: ${p.phase === 'backfill' ? `${p.done}/${p.total} rooms` : `${p.done} pages`}, ${p.published} records published (${p.detail})`),
  };
}

export async function runIncremental(deps: CrawlerDeps, rt: Runtime): Promise<void> {
  const r = await crawlEvents(deps, { now: new Date(), overlapMinutes: rt.config.crawlOverlapMinutes, pageSize: rt.config.crawlPageSize, firstRunLookbackHours: rt.config.crawlFirstLookbackDays * 24 }).catch((err: unknown) => {
    // Webex refused our credential (401 after a refresh, 403): nothing is lost, the checkpoint did
    // not move past the page, and the next run resumes there once the token is fixed.
    if (err instanceof ArchiverError && err.disposition === 'pause') rt.logger.error({ code: err.code, err: err.message }, 'crawl paused: Webex refused the credential; the checkpoint stays where it was');
    throw err;
  });
  process.stderr.write(`crawl events: ${r.pages} pages, ${r.membershipChanges} membership changes, ${r.published} raw records published (and ${r.changeItems} conversation changes, ${r.meetingItems} meeting items)\n`);
}

export async function runBackfill(deps: CrawlerDeps, since: Date): Promise<void> {
  // The run id names the per-room checkpoints, so it must be the same when a crashed backfill is
  // run again: a random suffix made every rerun a new run that redid every room from scratch.
  const r = await backfill(deps, { since, runId: since.toISOString() });
  process.stderr.write(`crawl backfill: ${r.rooms} rooms, ${r.published} raw records published\n`);
}
