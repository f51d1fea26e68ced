import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaCheckpoints } from '../../src/capture/checkpoints.js';
import { backfill } from '../../src/capture/crawler.js';
import { loadConfig } from '../../src/config/load.js';
import type { RawMessage } from '../../src/kafka/records.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { startWebexSimulator, type ExpectedVersion, type WebexSimulator } from '../../src/simulator/index.js';
import { checkAttachments, readRaw, testCrawlerDeps } from '../support/capture.js';
import { spawnCli } from '../support/cli.js';
import { testConfig, testEnv, uniqueId } from '../support/config.js';
import { waitUntil } from '../support/wait.js';

/** The date is a message's own creation time (the boundary is inclusive); `current` is what backfill must publish. */
function oracle(sim: WebexSimulator): { expected: ExpectedVersion[]; since: string; current: ExpectedVersion[] } {
  const expected = sim.expected();
  const byMessage = new Map<string, ExpectedVersion[]>();
  for (const v of expected) byMessage.set(v.messageId, [...(byMessage.get(v.messageId) ?? []), v]);
  const created = [...new Set(expected.map((v) => v.created))].sort();
  const since = created[Math.floor(created.length / 2)]!;
  const current = [...byMessage.values()]
    .filter((vs) => vs[0]!.created >= since && !vs.some((v) => v.kind === 'deleted'))
    .map((vs) => vs.at(-1)!);
  return { expected, since, current };
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
const summary = (raws: RawMessage[]) => raws.map((r) => ({ id: r.message.id, event: r.event, versionAt: r.versionAt, text: r.message.text, roomId: r.message.roomId, parentId: r.message.parentId })).sort(byId);
const want = (current: ExpectedVersion[]) => current.map((v) => ({ id: v.messageId, event: v.kind, versionAt: v.at, text: v.text, roomId: v.roomId, parentId: v.parentId ?? null })).sort(byId);

// `crawl --since DATE`: every room, and in each its messages back to DATE, as they are now.
describe('crawler backfill from a date', () => {
  let sim: WebexSimulator;
  let rt: Runtime;
  beforeAll(async () => {
    sim = await startWebexSimulator({ seed: { seed: 13, users: 6, rooms: 5, messages: 60 } });
    rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl }));
  });
  afterAll(async () => { await rt?.close(); await sim?.close(); });

  it('publishes the current version of every message created since the date, none before it, none deleted; a rerun skips finished rooms', async () => {
    const { expected, since, current } = oracle(sim);
    // The org has what makes this interesting: edited, deleted and older messages on both sides.
    expect(current.some((v) => v.kind === 'updated')).toBe(true);
    expect(sim.expected().some((v) => v.kind === 'deleted' && v.created >= since)).toBe(true);
    expect(sim.expected().some((v) => v.created < since)).toBe(true);

    const deps = testCrawlerDeps(rt);
    const runId = uniqueId('run-');
    const result = await backfill(deps, { since: new Date(since), runId });
    const rooms = new Set(expected.map((v) => v.roomId));
    expect(result.rooms).toBeGreaterThanOrEqual(rooms.size);
    const raws = await readRaw(rt);
    expect(result.published).toBe(raws.length);
    expect(raws.every((r) => r.source === 'crawler')).toBe(true);

    expect(summary(raws)).toEqual(want(current));
    await checkAttachments(rt, raws, expected);

    // Each room's checkpoint is complete, so the same run resumed publishes nothing again.
    const again = await backfill(deps, { since: new Date(since), runId });
    expect(again.published).toBe(0);
    expect((await readRaw(rt)).length).toBe(raws.length);
  });

  it('`crawl --since DATE` runs the same backfill as a process', async () => {
    const { since, current } = oracle(sim);
    // The command also runs the incremental crawl; a one-day lookback keeps the (older) history out of it.
    const env = testEnv({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_CRAWL_FIRST_LOOKBACK_DAYS: '1' });
    const run = spawnCli(['crawl', '--since', since], env);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toMatch(new RegExp(`crawl backfill: \\d+ rooms, ${current.length} raw records published`));
    const own = await createRuntime(loadConfig({}, env));
    try {
      expect(summary(await readRaw(own))).toEqual(want(current));
    } finally {
      await own.close();
    }
  });

  it('`crawl --since DATE` killed mid-backfill and run again with the same DATE skips the rooms it had finished', async () => {
    const { since, current } = oracle(sim);
    const env = testEnv({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_CRAWL_FIRST_LOOKBACK_DAYS: '1' });
    const own = await createRuntime(loadConfig({}, env));
    // A fresh store each time: kafkaCheckpoints caches what it read once.
    const finishedRooms = async () => {
      const all = await kafkaCheckpoints(own).all();
      return new Set([...all.values()].filter((c) => c.name.startsWith('backfill:') && c.complete).map((c) => c.cursor));
    };
    const rooms = new Set(current.map((v) => v.roomId));
    try {
      // Slow Webex down so that the kill lands between rooms: some finished, some not.
      sim.faults.set({ delayMs: 300 });
      const first = spawnCli(['crawl', '--since', since], env);
      let done = new Set<string>();
      await waitUntil(async () => (done = await finishedRooms()).size >= 1, 90_000, 'a first finished backfill room');
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      done = await finishedRooms();
      expect([...rooms].filter((r) => !done.has(r)).length, 'the kill came after every room was done; nothing left to resume').toBeGreaterThan(0);
      sim.faults.clear();

      const second = spawnCli(['crawl', '--since', since], env);
      expect(await second.exited, second.output()).toBe(0);
      // Only the rooms not finished before the kill are listed and published again (a room cut
      // off mid-way is redone whole); with a new run id every room would be, current.length records.
      const left = current.filter((v) => !done.has(v.roomId)).length;
      expect(left).toBeLessThan(current.length);
      expect(second.output()).toMatch(new RegExp(`crawl backfill: \\d+ rooms, ${left} raw records published`));
      // Together the two runs still have every current version.
      const got = new Set(summary(await readRaw(own)).map((r) => JSON.stringify(r)));
      expect(want(current).filter((w) => !got.has(JSON.stringify(w)))).toEqual([]);
    } finally {
      sim.faults.clear();
      await own.close();
    }
  });
});
