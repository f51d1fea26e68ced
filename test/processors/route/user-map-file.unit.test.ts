import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadUserMap, routeProcessor } from '../../../src/processors/route/index.js';
import { mapParticipant } from '../../../src/processors/route/user-map.js';
import type { ImportTask, StagedItem } from '../../../src/kafka/records.js';
import type { Output } from '../../../src/kafka/publisher.js';
import { createLogger } from '../../../src/log.js';
import { testConfig } from '../../support/config.js';

// WXA_USER_MAP_FILE read from a real file, as an operator would export it from a spreadsheet
// (UTF-8 BOM, CRLF line ends, quoted cells).
const dir = mkdtempSync(path.join(tmpdir(), 'wxa-usermap-'));
const csv = (name: string, text: string) => { const p = path.join(dir, name); writeFileSync(p, text); return p; };

describe('loadUserMap (CSV file)', () => {
  it('reads a BOM + CRLF file with a header, quotes, comments and blank lines; overrides win over the org domain', () => {
    const file = csv('map.csv', '\uFEFFwebexEmail,mailbox\r\n# contractors\r\n"Carol@Partner.org","carol.archive@example.com"\r\n\r\nalice@example.com,alice.legal@example.com\r\n');
    const map = loadUserMap({ userMapFile: file, orgDomains: ['example.com'] });
    expect([...map.overrides]).toEqual([['carol@partner.org', 'carol.archive@example.com'], ['alice@example.com', 'alice.legal@example.com']]);
    expect(mapParticipant('CAROL@partner.org', map)).toEqual({ kind: 'mailbox', mailbox: 'carol.archive@example.com' });
    expect(mapParticipant('alice@example.com', map)).toEqual({ kind: 'mailbox', mailbox: 'alice.legal@example.com' });
    expect(mapParticipant('bob@example.com', map)).toEqual({ kind: 'mailbox', mailbox: 'bob@example.com' });
  });

  it('a BOM on a first line that is data (no header) does not hide the override', () => {
    const file = csv('nohead.csv', '\uFEFFcarol@partner.org,carol.archive@example.com\r\n');
    expect(loadUserMap({ userMapFile: file, orgDomains: ['example.com'] }).overrides.get('carol@partner.org')).toBe('carol.archive@example.com');
  });

  it('a bad line stops start-up with a CONFIG error naming the key, the file and the line', () => {
    const file = csv('bad.csv', 'webexEmail,mailbox\r\ncarol@partner.org,carol.archive@example.com\r\ndave@partner.org;dave@example.com\r\n');
    expect(() => loadUserMap({ userMapFile: file, orgDomains: ['example.com'] })).toThrow(expect.objectContaining({ code: 'CONFIG', message: `WXA_USER_MAP_FILE: ${file} line 3 is not "webexEmail,mailbox"` }));
    const extra = csv('extra.csv', 'carol@partner.org,carol@example.com,oops\n');
    expect(() => loadUserMap({ userMapFile: extra, orgDomains: ['example.com'] })).toThrow(`${extra} line 1`);
  });

  it('a missing file is a CONFIG error naming the key and the path', () => {
    const missing = path.join(dir, 'nope.csv');
    expect(() => loadUserMap({ userMapFile: missing, orgDomains: ['example.com'] })).toThrow(expect.objectContaining({ code: 'CONFIG', message: `WXA_USER_MAP_FILE: cannot read ${missing}` }));
  });

  it('the route processor built from the configuration routes by the file', async () => {
    const file = csv('route.csv', '\uFEFFwebexEmail,mailbox\r\ncarol@partner.org,carol.archive@example.com\r\n');
    const spec = routeProcessor({ config: testConfig({ WXA_USER_MAP_FILE: file, WXA_ORG_DOMAINS: 'example.com' }) });
    const item: StagedItem = {
      itemId: 'm1:created:1', webexMessageId: 'm1', roomId: 'r1', event: 'created', messageId: '<a@b>', date: '2026-01-05T09:01:00.000Z',
      webexCreated: '2026-01-05T09:01:00.000Z', container: 'staging', blobName: 'items/x.eml', size: 100, sha256: 'ab', partial: false, strippedCount: 0,
      participants: [{ personId: 'p1', email: 'alice@example.com', displayName: 'Alice' }, { personId: 'p2', email: 'Carol@Partner.org', displayName: 'Carol' }],
    };
    const meta = { topic: 't', partition: 0, offset: '0', key: 'r1', timestamp: '0' };
    const out = (await spec.transform(item, { meta, logger: createLogger({ level: 'silent' }) })) as Output[];
    const tasks = out.filter((o) => o.topic === 'imports').map((o) => o.value as ImportTask);
    expect(tasks.map((t) => [t.mailbox, t.viaFallback])).toEqual([['alice@example.com', false], ['carol.archive@example.com', false]]);
  });

  it('refuses a bad file when the processor is built, before consuming anything', () => {
    const file = csv('bad2.csv', 'webexEmail,mailbox\nnot-an-email,x@example.com\n');
    expect(() => routeProcessor({ config: testConfig({ WXA_USER_MAP_FILE: file }) })).toThrow(`${file} line 2`);
  });
});
