import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createImapSink } from '../../src/sinks/imap.js';
import { createMaildirSink, maildirFolderPath } from '../../src/sinks/maildir.js';
import { testConfig, uniqueId } from '../support/config.js';
import { readMailbox } from '../support/imap.js';

const eml = (id: string) => Buffer.from(`Message-ID: ${id}\r\nDate: Mon, 05 Jan 2026 09:01:00 +0000\r\nFrom: a@example.com\r\nSubject: t\r\n\r\nbody ${id}\r\n`);
const item = (mailbox: string, messageId: string) => ({
  mailbox, folder: 'Webex Teams', messageId, date: new Date('2026-01-05T09:01:00.000Z'), size: eml(messageId).length,
  open: async () => Readable.from([eml(messageId)]),
});

describe('Maildir sink', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'wxa-maildir-'));
  const sink = createMaildirSink({ root });

  it('writes one file per Message-ID into .Webex Teams/cur with the seen flag and the message time', async () => {
    expect((await sink.importItem(item('alice@example.com', '<a@x>'))).status).toBe('imported');
    expect((await sink.importItem(item('alice@example.com', '<a@x>'))).status).toBe('duplicate');
    const cur = path.join(maildirFolderPath(root, 'alice@example.com', 'Webex Teams'), 'cur');
    const files = readdirSync(cur);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/:2,S$/);
    expect(readFileSync(path.join(cur, files[0]!)).equals(eml('<a@x>'))).toBe(true);
    expect(statSync(path.join(cur, files[0]!)).mtime.toISOString()).toBe('2026-01-05T09:01:00.000Z');
    expect(await sink.countItems!('alice@example.com', 'Webex Teams')).toBe(1);
    expect(readdirSync(path.join(maildirFolderPath(root, 'alice@example.com', 'Webex Teams'), 'tmp'))).toHaveLength(0);
  });

  it('refuses mailbox names that could escape the archive root', async () => {
    await expect(sink.importItem(item('../../etc@example.com', '<b@x>'))).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(sink.importItem(item('a/b@example.com', '<b@x>'))).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('IMAP sink (real Dovecot)', () => {
  const config = testConfig();
  const sink = createImapSink(config, createLogger({ level: 'silent' }));
  afterAll(async () => { await sink.close(); });

  it('creates INBOX/Webex Teams, appends once per Message-ID, \\Seen and the internal date set, bytes intact', async () => {
    const mailbox = `imap-${uniqueId()}@example.com`;
    expect((await sink.importItem(item(mailbox, '<one@x>'))).status).toBe('imported');
    expect((await sink.importItem(item(mailbox, '<one@x>'))).status).toBe('duplicate');
    expect((await sink.importItem(item(mailbox, '<two@x>'))).status).toBe('imported');
    const mails = await readMailbox(mailbox);
    expect(mails.map((m) => m.messageId).sort()).toEqual(['<one@x>', '<two@x>']);
    const one = mails.find((m) => m.messageId === '<one@x>')!;
    expect(one.source.equals(eml('<one@x>'))).toBe(true);
    expect(one.flags.has('\\Seen')).toBe(true);
    expect(one.internalDate.toISOString()).toBe('2026-01-05T09:01:00.000Z');
    expect(await sink.countItems!(mailbox, 'Webex Teams')).toBe(2);
  });

  it('a refused login is FORBIDDEN (never retried)', async () => {
    const bad = createImapSink({ ...config, imapPassword: 'wrong-password' }, createLogger({ level: 'silent' }));
    await expect(bad.importItem(item(`x-${uniqueId()}@example.com`, '<z@x>'))).rejects.toMatchObject({ code: 'FORBIDDEN', retriable: false });
    await bad.close();
  });

  it('an unreachable server is UNAVAILABLE (retriable)', async () => {
    const down = createImapSink({ ...config, imapPort: 1 }, createLogger({ level: 'silent' }));
    await expect(down.importItem(item(`x-${uniqueId()}@example.com`, '<z@x>'))).rejects.toMatchObject({ code: 'UNAVAILABLE', retriable: true });
    await down.close();
  });
});
