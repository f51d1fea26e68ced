import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { classifyGraphAnswer } from '../../src/sinks/graph/graph-answer.js';
import { createGraphSink } from '../../src/sinks/graph/graph-sink.js';
import { startGraphSimulator, type GraphSimulator } from '../../src/simulator/graph/index.js';
import { uniqueId } from '../support/config.js';

/** Each Microsoft Graph row of docs/failure-answers.md, fed by the Graph simulator, with the sink's decision. */
const eml = (id: string) => Buffer.from(`Message-ID: ${id}\r\nSubject: t\r\n\r\nbody\r\n`);
const item = (mailbox: string, messageId: string) => ({ mailbox, folder: 'Webex Teams', messageId, date: new Date('2026-01-05T09:01:00Z'), size: eml(messageId).length, open: async () => Readable.from([eml(messageId)]) });
const logger = createLogger({ level: 'silent' });

describe('Microsoft Graph answers', () => {
  let sim: GraphSimulator;
  let config: Config;
  const box = (name: string) => `${name}-${uniqueId()}@example.com`;
  beforeAll(async () => {
    sim = await startGraphSimulator({ tenantId: 'tenant-1', clientId: 'app-1', clientSecret: 'app-secret-value' });
    config = loadConfig({}, { WXA_SINK: 'graph', WXA_GRAPH_BASE_URL: sim.baseUrl, WXA_GRAPH_AUTHORITY: sim.authority, WXA_GRAPH_TENANT_ID: 'tenant-1', WXA_GRAPH_CLIENT_ID: 'app-1', WXA_GRAPH_CLIENT_SECRET: 'app-secret-value' });
  });
  afterAll(async () => { await sim?.close(); });

  it('a Message-ID lookup whose 200 body is cut off is retried, never taken as "not there": no second copy', async () => {
    const mailbox = box('cut');
    const sink = createGraphSink(config, logger);
    expect((await sink.importItem(item(mailbox, '<cut@x>'))).status).toBe('imported');
    sim.set({ truncateNext: 1 });
    await expect(sink.importItem(item(mailbox, '<cut@x>'))).rejects.toMatchObject({ code: 'UNAVAILABLE', disposition: 'retry' });
    expect((await sink.importItem(item(mailbox, '<cut@x>'))).status).toBe('duplicate');
    expect(sim.mailbox(mailbox).folders[0]!.messages).toHaveLength(1);
  });

  it('a folder lookup whose body is cut off is retried, never a second folder', async () => {
    const mailbox = box('cutfolder');
    await createGraphSink(config, logger).importItem(item(mailbox, '<f1@x>'));
    sim.set({ truncateNext: 1 });
    const fresh = createGraphSink(config, logger);
    await expect(fresh.importItem(item(mailbox, '<f2@x>'))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect((await fresh.importItem(item(mailbox, '<f2@x>'))).status).toBe('imported');
    expect(sim.mailbox(mailbox).folders.map((f) => f.displayName)).toEqual(['Webex Teams']);
  });

  it('404 ErrorItemNotFound on the cached folder id: the id is forgotten, the folder created again, the item imported', async () => {
    const mailbox = box('gone');
    const sink = createGraphSink(config, logger);
    expect((await sink.importItem(item(mailbox, '<g1@x>'))).status).toBe('imported');
    sim.deleteFolder(mailbox, 'Webex Teams');
    expect((await sink.importItem(item(mailbox, '<g2@x>'))).status).toBe('imported');
    expect((await sink.importItem(item(mailbox, '<g3@x>'))).status).toBe('imported');
    const folders = sim.mailbox(mailbox).folders;
    expect(folders.map((f) => f.displayName)).toEqual(['Webex Teams']);
    expect(folders[0]!.messages.map((m) => m.internetMessageId)).toEqual(['<g2@x>', '<g3@x>']);
  });

  it('401 InvalidAuthenticationToken: a new token once, and the request goes through', async () => {
    const mailbox = box('expired');
    const sink = createGraphSink(config, logger);
    await sink.importItem(item(mailbox, '<e1@x>'));
    const issued = sim.stats.tokensIssued;
    sim.revokeTokens();
    expect((await sink.importItem(item(mailbox, '<e2@x>'))).status).toBe('imported');
    expect(sim.stats.tokensIssued).toBe(issued + 1);
  });

  it('401 again after the refresh is a credential fault: pause', async () => {
    let invalidated = 0;
    const sink = createGraphSink(config, logger, { token: { get: async () => 'not-a-token', invalidate: () => void (invalidated += 1) } });
    await expect(sink.importItem(item(box('bogus'), '<b@x>'))).rejects.toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause' });
    expect(invalidated).toBe(1);
  });

  for (const [fault, status] of [['accessDenied', 403], ['notEnabled', 404], ['full', 507]] as const) {
    it(`${status} (${fault}) parks that mailbox, and only that one`, async () => {
      const mailbox = box(fault);
      const sink = createGraphSink(config, logger);
      if (fault === 'full') await sink.importItem(item(mailbox, '<before@x>'));
      sim.setMailboxFault(mailbox, fault);
      await expect(sink.importItem(item(mailbox, `<${fault}@x>`))).rejects.toMatchObject({ code: 'MAILBOX_UNAVAILABLE', disposition: 'park', status });
      expect((await sink.importItem(item(box('other'), `<${fault}@x>`))).status).toBe('imported');
      sim.setMailboxFault(mailbox, null);
      expect((await sink.importItem(item(mailbox, `<${fault}@x>`))).status).toBe('imported');
    });
  }

  it('the rest of the table, by status and code, never by message', () => {
    const rows: [number, string, string][] = [
      [429, 'ApplicationThrottled', 'RATE_LIMITED'],
      [503, 'ServiceUnavailable', 'UNAVAILABLE'],
      [504, 'GatewayTimeout', 'UNAVAILABLE'],
      [502, 'BadGateway', 'UNAVAILABLE'],
      [403, 'Authorization_RequestDenied', 'MAILBOX_UNAVAILABLE'],
      [404, 'ResourceNotFound', 'MAILBOX_UNAVAILABLE'],
      [404, 'ErrorItemNotFound', 'NOT_FOUND'],
      [400, 'ErrorQuotaExceeded', 'MAILBOX_UNAVAILABLE'],
      [413, 'RequestEntityTooLarge', 'TOO_LARGE'],
      [400, 'ErrorMessageSizeExceeded', 'TOO_LARGE'],
      [400, 'ErrorInvalidRequest', 'REJECTED'],
      [400, 'ErrorMimeContentInvalid', 'REJECTED'],
      [401, 'InvalidAuthenticationToken', 'AUTH_FAILED'],
    ];
    for (const [status, code, want] of rows) expect(classifyGraphAnswer(status, code, 'GET /x'), `${status} ${code}`).toMatchObject({ code: want });
  });
});
