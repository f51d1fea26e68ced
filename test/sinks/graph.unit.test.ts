import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { GRAPH_MAX_MIME_BYTES, GRAPH_MAX_REQUEST_BYTES } from '../../src/config/sink-limits.js';
import { createGraphSink } from '../../src/sinks/graph/graph-sink.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulator/graph/index.js';

const eml = (id: string) => Buffer.from(`Message-ID: ${id}\r\nSubject: t\r\n\r\nbody\r\n`);
/** A message of exactly `size` bytes. */
const emlOfSize = (id: string, size: number) => {
  const head = eml(id).subarray(0, -'body\r\n'.length);
  return Buffer.concat([head, Buffer.alloc(size - head.length, 'a')]);
};
const item = (mailbox: string, messageId: string) => ({ mailbox, folder: 'Webex Teams', messageId, date: new Date('2026-01-05T09:01:00Z'), size: eml(messageId).length, open: async () => Readable.from([eml(messageId)]) });

// The Graph sink against the local Graph simulator (token, folders, $filter lookup, importMime, 429).
describe('Microsoft Graph sink', () => {
  let sim: GraphSimulator;
  let config: Config;
  const logger = createLogger({ level: 'silent' });
  beforeAll(async () => {
    sim = await startGraphSimulator({ tenantId: 'tenant-1', clientId: 'app-1', clientSecret: 'app-secret-value' });
    config = loadConfig({}, { WXA_SINK: 'graph', WXA_GRAPH_BASE_URL: sim.baseUrl, WXA_GRAPH_AUTHORITY: sim.authority, WXA_GRAPH_TENANT_ID: 'tenant-1', WXA_GRAPH_CLIENT_ID: 'app-1', WXA_GRAPH_CLIENT_SECRET: 'app-secret-value' });
  });
  afterAll(async () => { await sim?.close(); });

  it('creates the "Webex Teams" folder once, imports each Message-ID once, as non-draft MIME', async () => {
    const sink = createGraphSink(config, logger);
    expect((await sink.importItem(item('alice@example.com', "<a'1@x>"))).status).toBe('imported');
    expect((await sink.importItem(item('alice@example.com', "<a'1@x>"))).status).toBe('duplicate');
    expect((await createGraphSink(config, logger).importItem(item('alice@example.com', "<a'1@x>"))).status).toBe('duplicate');
    const folders = sim.mailbox('alice@example.com').folders;
    expect(folders.map((f) => f.displayName)).toEqual(['Webex Teams']);
    expect(folders[0]!.messages).toHaveLength(1);
    expect(folders[0]!.messages[0]!.mime.equals(eml("<a'1@x>"))).toBe(true);
    expect(folders[0]!.messages[0]!.isDraft).toBe(false);
    expect(sim.stats.foldersCreated).toBe(1);
  });

  it('keeps at most 4 requests in flight per mailbox, so Exchange never throttles it', async () => {
    sim.set({ delayMs: 40 });
    const sink = createGraphSink(config, logger);
    const before = sim.stats.throttled;
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => sink.importItem(item('bob@example.com', `<b${i}@x>`))));
    sim.set({ delayMs: 0 });
    expect(results.every((r) => r.status === 'imported')).toBe(true);
    expect(sim.stats.maxConcurrentPerMailbox).toBeLessThanOrEqual(4);
    expect(sim.stats.maxConcurrentPerMailbox).toBeGreaterThan(1);
    expect(sim.stats.throttled).toBe(before);
    expect(await sink.countItems!('bob@example.com', 'Webex Teams')).toBe(24);
  });

  it('honours 429 Retry-After and then succeeds', async () => {
    sim.set({ throttleNext: 2 });
    const t0 = Date.now();
    expect((await createGraphSink(config, logger).importItem(item('carol@example.com', '<c@x>'))).status).toBe('imported');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
  });

  it('Graph\'s 4 MB request cap: 3 000 000 bytes of MIME import, one byte more is TOO_LARGE before any request', async () => {
    expect(GRAPH_MAX_MIME_BYTES).toBe(3_000_000);
    const sink = createGraphSink(config, logger);
    const atCap = emlOfSize('<cap@x>', GRAPH_MAX_MIME_BYTES);
    expect((await sink.importItem({ ...item('erin@example.com', '<cap@x>'), size: atCap.length, open: async () => Readable.from([atCap]) })).status).toBe('imported');
    expect(sim.mailbox('erin@example.com').folders[0]!.messages[0]!.mime.equals(atCap)).toBe(true);

    const over = emlOfSize('<over@x>', GRAPH_MAX_MIME_BYTES + 1);
    const requests = sim.stats.requests;
    let opened = false;
    const err = await sink.importItem({ ...item('erin@example.com', '<over@x>'), size: over.length, open: async () => { opened = true; return Readable.from([over]); } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TOO_LARGE', retriable: false });
    expect((err as Error).message).toContain(`${GRAPH_MAX_MIME_BYTES + 1} bytes of MIME`);
    expect((err as Error).message).toContain(`${GRAPH_MAX_REQUEST_BYTES} bytes`);
    expect(opened).toBe(false);
    expect(sim.stats.requests).toBe(requests);
    // A staged size that understates the bytes read is caught before the POST too.
    await expect(sink.importItem({ ...item('erin@example.com', '<over@x>'), size: 100, open: async () => Readable.from([over]) })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(sim.mailbox('erin@example.com').folders[0]!.messages).toHaveLength(1);
  });

  it('the simulator refuses a request over 4 MB as Graph does: 400 BadRequest "Maximum request length exceeded."', async () => {
    const form = new URLSearchParams({ client_id: 'app-1', client_secret: 'app-secret-value', scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' });
    const { access_token: token } = (await (await fetch(`${sim.authority}/tenant-1/oauth2/v2.0/token`, { method: 'POST', body: form })).json()) as { access_token: string };
    const headers = { authorization: `Bearer ${token}` };
    const folder = (await (await fetch(`${sim.baseUrl}/users/frank%40example.com/mailFolders/inbox/childFolders`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'Webex Teams' }) })).json()) as { id: string };
    const post = (body: string) => fetch(`${sim.baseUrl}/users/frank%40example.com/mailFolders/${folder.id}/importMime`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body });
    const atCap = await post(emlOfSize('<f1@x>', GRAPH_MAX_MIME_BYTES).toString('base64'));
    expect(atCap.status).toBe(201);
    const over = await post(emlOfSize('<f2@x>', GRAPH_MAX_MIME_BYTES + 1).toString('base64'));
    expect(over.status).toBe(400);
    expect(((await over.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'BadRequest', message: 'Maximum request length exceeded.' });
    expect(sim.mailbox('frank@example.com').folders[0]!.messages.map((m) => m.internetMessageId)).toEqual(['<f1@x>']);
  });

  it('bad client credentials pause the work (AUTH_FAILED), never a dead letter; missing ones stop start-up naming the key', async () => {
    const bad = createGraphSink({ ...config, graphClientSecret: 'wrong' }, logger);
    await expect(bad.importItem(item('dave@example.com', '<d@x>'))).rejects.toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause', retriable: true });
    expect(() => createGraphSink({ ...config, graphClientSecret: '' }, logger)).toThrow('WXA_GRAPH_CLIENT_SECRET');
  });
});
