import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ImapFlow } from 'imapflow';
import { afterAll, describe, expect, it } from 'vitest';
import { DOVECOT_USER_PASSWORD } from '../../infra/dovecot.js';
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

  it('keeps mailbox names that look like paths inside the archive root', async () => {
    for (const mailbox of ['../../etc@example.com', 'a/b@example.com']) {
      const res = await sink.importItem(item(mailbox, '<b@x>'));
      expect(path.relative(root, res.ref!).startsWith('..')).toBe(false);
    }
  });
});

/** Deletes one message by Message-ID as the mailbox's own user would (a person, a retention slip). */
async function pruneOne(mailbox: string, messageId: string): Promise<void> {
  const pruner = new ImapFlow({ host: testConfig().imapHost, port: testConfig().imapPort, secure: false, logger: false, auth: { user: mailbox, pass: DOVECOT_USER_PASSWORD } });
  await pruner.connect();
  const lock = await pruner.getMailboxLock('INBOX/Webex Teams');
  try {
    const uids = await pruner.search({ header: { 'message-id': messageId } }, { uid: true });
    expect(uids).toHaveLength(1);
    await pruner.messageDelete(uids as number[], { uid: true });
  } finally {
    lock.release();
    await pruner.logout();
  }
}

describe('IMAP sink (real Dovecot)', () => {
  const config = testConfig();
  // A NOOP before every item, so another client's change right before is seen (the default skips it within a second of an answer).
  const sink = createImapSink(config, createLogger({ level: 'silent' }), { noopAfterIdleMs: 0 });
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

  it('sees what another client appended or removed since it last looked; a fresh sink learns a full folder', async () => {
    const mailbox = `imap-${uniqueId()}@example.com`;
    for (let i = 0; i < 30; i++) expect((await sink.importItem(item(mailbox, `<bulk-${i}@x>`))).status).toBe('imported');
    // Someone else (another import instance, a restore) appends behind this sink's back.
    const other = new ImapFlow({ host: config.imapHost, port: config.imapPort, secure: false, logger: false, auth: { user: mailbox, pass: DOVECOT_USER_PASSWORD } });
    await other.connect();
    await other.append('INBOX/Webex Teams', eml('<theirs@x>'), ['\\Seen']);
    await other.logout();
    expect((await sink.importItem(item(mailbox, '<theirs@x>'))).status).toBe('duplicate');
    expect((await sink.importItem(item(mailbox, '<bulk-0@x>'))).status).toBe('duplicate');
    expect((await sink.importItem(item(mailbox, '<bulk-29@x>'))).status).toBe('duplicate');
    // A fresh sink (a restarted process) learns the whole folder once.
    const fresh = createImapSink(config, createLogger({ level: 'silent' }), { noopAfterIdleMs: 0 });
    try {
      expect((await fresh.importItem(item(mailbox, '<bulk-17@x>'))).status).toBe('duplicate');
      expect((await fresh.importItem(item(mailbox, '<new@x>'))).status).toBe('imported');
    } finally {
      await fresh.close();
    }
    // A message removed from the mailbox (a user, a retention slip) is imported again on replay.
    await pruneOne(mailbox, '<bulk-5@x>');
    expect((await sink.importItem(item(mailbox, '<bulk-5@x>'))).status).toBe('imported');
    expect((await sink.importItem(item(mailbox, '<bulk-6@x>'))).status).toBe('duplicate');
    // Pruned while the sink had no connection open (it keeps what it knew): the reconnect notices.
    await sink.close();
    await pruneOne(mailbox, '<bulk-7@x>');
    expect((await sink.importItem(item(mailbox, '<bulk-7@x>'))).status).toBe('imported');
    expect((await sink.importItem(item(mailbox, '<bulk-8@x>'))).status).toBe('duplicate');
    const held = (await readMailbox(mailbox)).map((m) => m.messageId);
    expect(held).toHaveLength(32);
    expect(new Set(held).size).toBe(32);
  });

  it('with the default idle window, sees another client\'s append once the connection has been quiet for it', async () => {
    const mailbox = `imap-${uniqueId()}@example.com`;
    const windowed = createImapSink(config, createLogger({ level: 'silent' }), { noopAfterIdleMs: 300 });
    try {
      for (let i = 0; i < 5; i++) expect((await windowed.importItem(item(mailbox, `<w-${i}@x>`))).status).toBe('imported');
      const other = new ImapFlow({ host: config.imapHost, port: config.imapPort, secure: false, logger: false, auth: { user: mailbox, pass: DOVECOT_USER_PASSWORD } });
      await other.connect();
      await other.append('INBOX/Webex Teams', eml('<theirs-w@x>'), ['\\Seen']);
      await other.logout();
      await new Promise((r) => setTimeout(r, 400));
      expect((await windowed.importItem(item(mailbox, '<theirs-w@x>'))).status).toBe('duplicate');
      expect((await windowed.importItem(item(mailbox, '<w-3@x>'))).status).toBe('duplicate');
      expect((await readMailbox(mailbox)).map((m) => m.messageId).sort()).toEqual(['<theirs-w@x>', '<w-0@x>', '<w-1@x>', '<w-2@x>', '<w-3@x>', '<w-4@x>']);
    } finally {
      await windowed.close();
    }
  });

  it('appends to one mailbox in parallel (several connections, one index): each item once, and a second pass finds every one', async () => {
    const mailbox = `imap-${uniqueId()}@example.com`;
    const parallel = createImapSink(config, createLogger({ level: 'silent' }));
    try {
      const ids = Array.from({ length: 24 }, (_, i) => `<par-${i}@x>`);
      const first = await Promise.all(ids.map((id) => parallel.importItem(item(mailbox, id))));
      expect(first.map((r) => r.status)).toEqual(ids.map(() => 'imported'));
      const second = await Promise.all(ids.map((id) => parallel.importItem(item(mailbox, id))));
      expect(second.map((r) => r.status)).toEqual(ids.map(() => 'duplicate'));
      const held = (await readMailbox(mailbox)).map((m) => m.messageId).sort();
      expect(held).toEqual([...ids].sort());
    } finally {
      await parallel.close();
    }
  });

  it('a refused login (AUTHENTICATIONFAILED) pauses: a credential fault, never a dead letter', async () => {
    const bad = createImapSink({ ...config, imapPassword: 'wrong-password' }, createLogger({ level: 'silent' }));
    await expect(bad.importItem(item(`x-${uniqueId()}@example.com`, '<z@x>'))).rejects.toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause', retriable: true });
    await bad.close();
  });

  it('an unreachable server is UNAVAILABLE (retriable)', async () => {
    const down = createImapSink({ ...config, imapPort: 1 }, createLogger({ level: 'silent' }));
    await expect(down.importItem(item(`x-${uniqueId()}@example.com`, '<z@x>'))).rejects.toMatchObject({ code: 'UNAVAILABLE', retriable: true });
    await down.close();
  });
});
