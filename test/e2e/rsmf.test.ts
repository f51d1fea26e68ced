import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RawMessage } from '../../src/kafka/records.js';
import { blobWriter, exportRsmf } from '../../src/rsmf/export.js';
import type { RsmfEvent } from '../../src/rsmf/manifest.js';
import { createRuntime } from '../../src/runtime.js';
import { startWebexSimulator } from '../../src/simulator/index.js';
import { captureLiveThenCrawl, readRaw } from '../support/capture.js';
import { spawnCli } from '../support/cli.js';
import { testConfig, testEnv } from '../support/config.js';
import { rsmfFileProblems } from '../support/rsmf-check.js';

/**
 * The RSMF export from a real capture run: a simulated org played live through signed webhooks
 * (receiver, hydrate) and then crawled, so every version sits in webex.raw.v1 twice and every file
 * in Azurite; then the real CLI exports. Every file must pass the whole-file checks, hold each
 * version exactly once with the captured attachment bytes, and a rerun must give the same bytes.
 */
describe('rsmf export end to end', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

  it('exports every version and every file of a captured org, validly and reproducibly', async () => {
    const sim = await startWebexSimulator({ seed: { seed: 31, users: 5, rooms: 4, messages: 40, largeFiles: true }, holdMessages: true });
    cleanup.push(() => sim.close());
    const env = testEnv({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBHOOK_SECRET: 'rsmf-e2e-webhook-secret', WXA_RSMF_MAX_EVENTS: '7' });
    const rt = await createRuntime(testConfig(env));
    cleanup.push(() => rt.close());
    const { expected } = await captureLiveThenCrawl(rt, sim, cleanup);
    const raws: RawMessage[] = await readRaw(rt);
    expect(new Set(raws.map((r) => r.source))).toEqual(new Set(['webhook', 'crawler']));

    // Live play posts the held messages with their fixture times and deletes at the real time,
    // so the versions span several days.
    const days = [...new Set(raws.map((r) => r.versionAt.slice(0, 10)))].sort();
    expect(days.length).toBeGreaterThan(1);
    const run = async (out: string) => {
      const cli = spawnCli(['rsmf', '--from', days[0]!, '--to', days[days.length - 1]!, '--out', out], env);
      expect(await cli.exited, cli.output()).toBe(0);
      return cli.output();
    };
    const outA = path.join(env.WXA_DATA_DIR!, 'a');
    const outB = path.join(env.WXA_DATA_DIR!, 'b');
    await run(outA);
    await run(outB);

    const list = (root: string) => [...new Set(days)].flatMap((d) => { try { return readdirSync(path.join(root, d)).map((f) => path.join(d, f)); } catch { return []; } }).sort();
    const names = list(outA);
    expect(names.length).toBeGreaterThan(0);
    expect(list(outB)).toEqual(names);
    // WXA_RSMF_MAX_EVENTS=7: the busier rooms' days are split into slices.
    expect(names.some((n) => !n.endsWith('-1of1.rsmf'))).toBe(true);

    const versionKeys: string[] = [];
    const fileShas = new Set<string>();
    const collections = new Map<string, Set<string>>();
    for (const name of names) {
      const bytes = readFileSync(path.join(outA, name));
      expect(bytes.equals(readFileSync(path.join(outB, name))), `${name} differs between runs`).toBe(true);
      const { problems, manifest, zip } = await rsmfFileProblems(bytes);
      expect(problems, name).toEqual([]);
      expect(manifest!.events.length).toBeLessThanOrEqual(7);
      expect(manifest!.conversations[0]!.platform).toBe('webex');
      const room = manifest!.conversations[0]!.id;
      collections.set(room, (collections.get(room) ?? new Set()).add(manifest!.eventcollectionid));
      for (const e of manifest!.events as RsmfEvent[]) {
        const posted = !(e.custom ?? []).some((c) => c.name === 'Posted before this slice');
        if (posted) versionKeys.push(`${e.id}/created`);
        for (const ed of e.edits ?? []) versionKeys.push(`${e.id}/updated/${ed.timestamp}`);
        if (e.deleted) versionKeys.push(`${e.id}/deleted`);
        for (const a of e.attachments ?? []) fileShas.add(createHash('sha256').update(zip.get(a.id)!).digest('hex'));
      }
    }
    // Every version of the org, once, and nothing else.
    const wanted = expected.map((v) => (v.kind === 'updated' ? `${v.messageId}/updated/${new Date(v.at).toISOString()}` : `${v.messageId}/${v.kind}`));
    expect(versionKeys.sort()).toEqual(wanted.sort());
    // Every file the capture stored is in some rsmf.zip with its bytes (the >10 MB one included).
    const stored = new Set(raws.flatMap((r) => r.files.filter((f) => f.status === 'stored').map((f) => f.sha256)));
    expect(stored.size).toBeGreaterThan(0);
    expect([...stored].filter((s) => !fileShas.has(s))).toEqual([]);
    expect(raws.some((r) => r.files.some((f) => f.size > 10 * 1024 * 1024))).toBe(true);
    // The daily mode's copy: the same files, byte for byte, in a private blob container.
    const container = `rsmf-${path.basename(env.WXA_DATA_DIR!).toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 40);
    await rt.blob.ensureContainers([container]);
    const daily = await exportRsmf(rt, { from: days[0]!, to: days[days.length - 1]!, writers: [blobWriter(rt.blob, container)] });
    expect(daily.failed).toEqual([]);
    expect(daily.files.map((f) => f.name).sort()).toEqual(names);
    const first = Buffer.concat(await (await rt.blob.openRead(container, names[0]!)).toArray() as Buffer[]);
    expect(first.equals(readFileSync(path.join(outA, names[0]!)))).toBe(true);
    // One collection id per conversation-day.
    for (const ids of collections.values()) expect(ids.size).toBeLessThanOrEqual(days.length);
  }, 240_000);
});
