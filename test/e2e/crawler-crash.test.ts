import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaCheckpoints } from '../../src/capture/checkpoints.js';
import type { RawMessage } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { spawnCli } from '../support/cli.js';
import { testEnv } from '../support/config.js';
import { loadConfig } from '../../src/config/load.js';
import { waitUntil } from '../support/wait.js';

// The crawler as a real process: killed with SIGKILL mid-run, restarted, nothing missing;
// then a 429 storm it must wait out as told.
describe('crawler resilience', () => {
  let sim: WebexSimulator;
  let rt: Runtime;
  let env: Record<string, string>;
  beforeAll(async () => {
    sim = await startWebexSimulator({ seed: { seed: 21, users: 5, rooms: 4, messages: 40 } });
    // Pages of 10 events, so the list of about 50 takes several pages and a kill lands between two.
    env = testEnv({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_CRAWL_FIRST_LOOKBACK_DAYS: '400', WXA_CRAWL_PAGE_SIZE: '10', WXA_CRAWL_OVERLAP_MINUTES: '0' });
    rt = await createRuntime(loadConfig({}, env));
  });
  afterAll(async () => { await rt?.close(); await sim?.close(); });

  const versionsIn = async () => {
    const seen = new Set<string>();
    await readTopicToEnd<RawMessage>(rt.kafka, rt.serde, topicName(rt.config, 'raw'), (v) => v && seen.add(`${v.message.id}/${v.event}/${v.event === 'deleted' ? '' : v.versionAt}`));
    return seen;
  };
  const wanted = () => new Set(sim.expected().map((v) => `${v.messageId}/${v.kind}/${v.kind === 'deleted' ? '' : v.at}`));

  const publishedBy = (output: string) => Number(/crawl events: \d+ pages, \d+ membership changes, (\d+) raw records published/.exec(output)?.[1]);
  let resumedPublished = 0;

  it('a crawler killed with SIGKILL mid-run resumes from its checkpoint and completes with nothing missing', async () => {
    // Slow enough that the kill lands well inside the messages list, whose pages come first.
    sim.faults.set({ delayMs: 100 });
    const first = spawnCli(['crawl'], env);
    // Killed inside a list (a checkpoint with its next page), not in the moment between two of the
    // crawl's lists (messages, memberships, rooms, card actions, meeting chat, transcripts), whose
    // checkpoint names the next list but no page.
    await waitUntil(async () => {
      const cp = await kafkaCheckpoints(rt).get('events');
      return cp !== undefined && !cp.complete && cp.resource === 'messages' && typeof cp.nextPage === 'string';
    }, 60_000, 'a first checkpoint inside a list');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const partial = await kafkaCheckpoints(rt).get('events');
    expect(partial?.complete).toBe(false);
    // Killed inside the range: the checkpoint holds the range and the next page of its list.
    expect(partial?.rangeTo).toBeTruthy();
    expect(partial?.nextPage).toMatch(/\/events\?/);

    sim.faults.clear();
    const second = spawnCli(['crawl'], env);
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/crawl events: \d+ pages/);
    resumedPublished = publishedBy(second.output());
    const got = await versionsIn();
    const missing = [...wanted()].filter((k) => !got.has(k));
    expect(missing).toEqual([]);
    expect((await kafkaCheckpoints(rt).get('events'))?.complete).toBe(true);
  });

  it('under a 429 storm it waits as told and still completes', async () => {
    sim.resetStats();
    sim.faults.set({ storm: { count: 6, retryAfter: 1 } });
    const started = Date.now();
    // A fresh topic prefix: no checkpoint, so the whole history is read again.
    const fresh = testEnv({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_CRAWL_FIRST_LOOKBACK_DAYS: '400', WXA_CRAWL_PAGE_SIZE: '10' });
    const run = spawnCli(['crawl'], fresh);
    expect(await run.exited, run.output()).toBe(0);
    await rt.close();
    rt = await createRuntime(loadConfig({}, fresh));
    const stats = sim.stats;
    expect(stats.served429).toBe(6);
    // Each 429 said "wait 1 s"; the client pauses all requests for that long, so 6 storms cost >= 1 s.
    expect(Date.now() - started).toBeGreaterThan(1000);
    const got = await versionsIn();
    expect([...wanted()].filter((k) => !got.has(k))).toEqual([]);
    // The resumed crawl above went on from its kept page: it published less than a whole crawl does.
    expect(resumedPublished).toBeGreaterThan(0);
    expect(resumedPublished).toBeLessThan(publishedBy(run.output()));
  });
});
