import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaCheckpoints } from '../../src/capture/checkpoints.js';
import { crawlEvents } from '../../src/capture/crawler.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import type { OrgFixture } from '../../src/simulator/fixture-types.js';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { lookbackHoursFor, readRaw, testCrawlerDeps } from '../support/capture.js';
import { testConfig } from '../support/config.js';

/**
 * A file Webex cannot scan (428, with Cisco's text, which names no reason a client could match)
 * in the middle of a crawl window: the window completes and its checkpoint moves; the file is
 * fetched with allow=unscannable (the default, as a Compliance Officer may) or, when the operator
 * turned that off, recorded on the item; never a failed message. Real Kafka and Azurite.
 */
function fixture(): OrgFixture {
  const at = (m: number) => new Date(Date.parse('2026-01-05T09:00:00.000Z') + m * 60_000).toISOString();
  return {
    org: { domains: ['example.com'] },
    people: [{ key: 'alice', email: 'alice@example.com', displayName: 'Alice Ng' }, { key: 'bob', email: 'bob@example.com', displayName: 'Bob Ortiz' }],
    teams: [],
    rooms: [{ key: 'r', type: 'group', title: 'Deals', created: at(0) }],
    memberships: [{ room: 'r', person: 'alice', joined: at(0) }, { room: 'r', person: 'bob', joined: at(0) }],
    messages: [
      { key: 'before', room: 'r', person: 'bob', created: at(1), text: 'before' },
      { key: 'locked', room: 'r', person: 'alice', created: at(2), text: 'encrypted zip', files: [{ name: 'secret deal.zip', contentType: 'application/zip', base64: 'UEsDBA==' }] },
      { key: 'after', room: 'r', person: 'bob', created: at(3), text: 'after', files: [{ name: 'ok.txt', contentType: 'text/plain', base64: 'b2s=' }] },
    ],
  };
}

describe('crawler: an unscannable file never stops the window', () => {
  let sim: WebexSimulator;
  const runtimes: Runtime[] = [];
  beforeAll(async () => {
    sim = await startWebexSimulator({ fixture: fixture() });
    sim.faults.set({ files: { 'locked#0': 'unscannable' } });
  });
  afterAll(async () => { for (const rt of runtimes) await rt.close(); await sim?.close(); });

  async function crawl(allow: 'true' | 'false') {
    const rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBEX_ALLOW_UNSCANNABLE: allow }));
    runtimes.push(rt);
    await crawlEvents(testCrawlerDeps(rt), { now: new Date(), overlapMinutes: 0, windowMinutes: 60 * 24 * 365, firstRunLookbackHours: lookbackHoursFor(sim.expected()) });
    return { raws: await readRaw(rt), checkpoint: await kafkaCheckpoints(rt).get('events') };
  }

  it('by default fetches it with allow=unscannable under its real name', async () => {
    const { raws, checkpoint } = await crawl('true');
    expect(checkpoint?.complete).toBe(true);
    expect(raws.map((r) => r.message.text).sort()).toEqual(['after', 'before', 'encrypted zip']);
    const locked = raws.find((r) => r.message.text === 'encrypted zip')!;
    expect(locked.files).toEqual([expect.objectContaining({ name: 'secret deal.zip', status: 'stored', size: 4 })]);
  });

  it('with allow=unscannable turned off, records it on the item and archives the message', async () => {
    const { raws, checkpoint } = await crawl('false');
    expect(checkpoint?.complete).toBe(true);
    expect(raws.map((r) => r.message.text).sort()).toEqual(['after', 'before', 'encrypted zip']);
    const locked = raws.find((r) => r.message.text === 'encrypted zip')!;
    expect(locked.files).toEqual([expect.objectContaining({ name: 'secret deal.zip', status: 'unscannable', size: 0 })]);
    expect(raws.find((r) => r.message.text === 'after')!.files).toEqual([expect.objectContaining({ name: 'ok.txt', status: 'stored' })]);
  });
});

describe('crawler: a refused Webex token pauses the crawl', () => {
  it('AUTH_FAILED (pause), nothing published, the checkpoint not moved; with the token fixed the next run archives everything', async () => {
    let good = 'fixed-later';
    const sim = await startWebexSimulator({ fixture: fixture(), acceptToken: (t) => t === good });
    const config = testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBEX_TOKEN: 'revoked-token' });
    const rt = await createRuntime(config);
    try {
      const opts = { now: new Date(), overlapMinutes: 0, windowMinutes: 60 * 24 * 365, firstRunLookbackHours: lookbackHoursFor(sim.expected()) };
      await expect(crawlEvents(testCrawlerDeps(rt), opts)).rejects.toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause', retriable: true });
      expect(await readRaw(rt)).toEqual([]);
      expect(await kafkaCheckpoints(rt).get('events')).toBeFalsy();
      good = 'revoked-token';
      await crawlEvents(testCrawlerDeps(rt), opts);
      expect((await readRaw(rt)).map((r) => r.message.text).sort()).toEqual(['after', 'before', 'encrypted zip']);
    } finally {
      await rt.close();
      await sim.close();
    }
  });
});
