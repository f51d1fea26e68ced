import { crawlEvents } from '../../src/capture/crawler.js';
import { applyRegistration } from '../../src/capture/webhook-registration.js';
import { createWebexFromConfig } from '../../src/capture/webex-source.js';
import type { Outcome } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { startService, type ArchiverService } from '../../src/service/service.js';
import { startWebexSimulator, type OrgFixture, type WebexSimulator } from '../../src/simulator/index.js';
import { testCrawlerDeps } from './capture.js';
import { testConfig } from './config.js';

/**
 * The whole service on the real servers, IMAP into Dovecot, on a simulator of `fixture`. With a
 * `secret`, the fixture is held and the webhooks are registered (`sim.playLive()` starts the
 * flow); without, its history is in place for a crawl.
 */
export async function startArchive(fixture: OrgFixture, opts: { secret?: string } = {}): Promise<{ sim: WebexSimulator; service: ArchiverService; stop(): Promise<void> }> {
  const sim = await startWebexSimulator({ fixture, holdMessages: opts.secret !== undefined });
  const config = testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl, ...(opts.secret ? { WXA_WEBHOOK_SECRET: opts.secret } : {}), WXA_SINK: 'imap', WXA_RECEIVER_PORT: '0', WXA_ORG_DOMAINS: 'example.com' });
  const service = await startService(config).catch(async (err: unknown) => { await sim.close(); throw err; });
  if (opts.secret) await applyRegistration(createWebexFromConfig(config, service.rt.logger), `${service.url}/webhooks/webex`, opts.secret);
  return { sim, service, async stop() { await service.stop(); await sim.close(); } };
}

export async function readOutcomes(service: ArchiverService): Promise<Outcome[]> {
  const out: Outcome[] = [];
  await readTopicToEnd<Outcome>(service.rt.kafka, service.rt.serde, topicName(service.rt.config, 'outcomes'), (v) => v && out.push(v));
  return out;
}

/** The reconciliation crawl of the service's Webex, a first run reaching back to `fromMs`, in day windows. */
export function crawlFrom(service: ArchiverService, fromMs: number): ReturnType<typeof crawlEvents> {
  return crawlEvents(testCrawlerDeps(service.rt, service.source), { now: new Date(), overlapMinutes: 0, firstRunLookbackHours: (Date.now() - fromMs) / 3600_000 });
}

/** A UTC day `daysBack` days ago (inside the Events API's 90 days) and its hours as ISO times. */
export function dayAgo(daysBack: number): { day: number; at: (hour: number) => string } {
  const day = Math.floor(Date.now() / 86_400_000) * 86_400_000 - daysBack * 86_400_000;
  return { day, at: (h) => new Date(day + h * 3600_000).toISOString() };
}

/** People of example.com whose addresses are unique to the test: `[key, displayName]` each. */
export function peopleOf(id: string, ...people: [string, string][]): OrgFixture['people'] {
  return people.map(([key, displayName]) => ({ key, email: `${key}-${id}@example.com`, displayName }));
}
