import { Readable } from 'node:stream';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { DOVECOT_MASTER_PASSWORD, DOVECOT_MASTER_USER } from '../../infra/dovecot.js';
import { createImapSink } from '../../src/sinks/imap.js';
import type { ImportRequest } from '../../src/sinks/sink.js';
import { uniqueId } from '../support/config.js';
import { PRIVATE_DOVECOT_PASSWORD, startPrivateDovecot, type PrivateDovecot } from '../support/private-dovecot.js';

/**
 * IMAP refusals from a real Dovecot (a private instance: quota, a size limit and a broken
 * authentication backend would disturb the shared one), each checked for the decision the sink
 * hands the runner (docs/failure-answers.md, IMAP).
 */
const MAX_MAIL_SIZE = 64 * 1024;
const id = uniqueId();
const users = { full: `full-${id}@quota.test`, plain: `plain-${id}@plain.test`, outage: `down-${id}@outage.test`, obrien: `o'brien+desk-${id}@plain.test` };
let dovecot: PrivateDovecot;

beforeAll(async () => {
  dovecot = await startPrivateDovecot({ users: Object.values(users), maxMailSize: MAX_MAIL_SIZE });
}, 30_000);
afterAll(async () => { await dovecot?.stop(); });

function sinkFor(password = PRIVATE_DOVECOT_PASSWORD, loginTemplate = '{mailbox}', maxConnections = 256) {
  return createImapSink({ imapHost: '127.0.0.1', imapPort: dovecot.port, imapSecure: false, imapLoginTemplate: loginTemplate, imapPassword: password, imapAccessToken: '', imapMaxConnections: maxConnections }, createLogger({ level: 'silent' }));
}

function item(mailbox: string, messageId: string, bodyBytes = 100): ImportRequest {
  const eml = `Message-ID: ${messageId}\r\nSubject: t\r\nFrom: a@example.com\r\n\r\n${'x'.repeat(bodyBytes)}\r\n`;
  return { mailbox, folder: 'Webex Teams', messageId, date: new Date('2026-01-05T09:00:00Z'), size: eml.length, open: async () => Readable.from([Buffer.from(eml)]) };
}

describe('IMAP answers from a real Dovecot', () => {
  it('NO [OVERQUOTA] (mailbox full) parks the mailbox', async () => {
    const sink = sinkFor();
    try {
      await expect(sink.importItem(item(users.full, `<q-${id}@x>`, 4096))).rejects.toMatchObject({ code: 'MAILBOX_UNAVAILABLE', disposition: 'park', message: expect.stringContaining('[OVERQUOTA]') });
    } finally { await sink.close(); }
  });

  it('NO [LIMIT] (an APPEND above the server size limit) is permanent for that item, not a retry', async () => {
    const sink = sinkFor();
    try {
      await expect(sink.importItem(item(users.plain, `<big-${id}@x>`, MAX_MAIL_SIZE * 2))).rejects.toMatchObject({ code: 'TOO_LARGE', disposition: 'permanent', retriable: false, message: expect.stringContaining('[LIMIT]') });
      // The mailbox itself is fine: the next, smaller item goes in.
      await expect(sink.importItem(item(users.plain, `<small-${id}@x>`))).resolves.toMatchObject({ status: 'imported' });
    } finally { await sink.close(); }
  });

  it('NO [UNAVAILABLE] at login (authentication backend down) is retried, never forbidden-permanent', async () => {
    const sink = sinkFor();
    try {
      await expect(sink.importItem(item(users.outage, `<o-${id}@x>`))).rejects.toMatchObject({ code: 'UNAVAILABLE', disposition: 'retry', retriable: true, message: expect.stringContaining('[UNAVAILABLE]') });
    } finally { await sink.close(); }
  });

  it('NO [AUTHENTICATIONFAILED] pauses the work (configuration)', async () => {
    const sink = sinkFor('wrong-password');
    try {
      await expect(sink.importItem(item(users.plain, `<a-${id}@x>`))).rejects.toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause', message: expect.stringContaining('[AUTHENTICATIONFAILED]') });
    } finally { await sink.close(); }
  });

  it("o'brien+desk@… (RFC 5321 atext) logs in, as itself and through the master user, and is archived", async () => {
    for (const sink of [sinkFor(), sinkFor(DOVECOT_MASTER_PASSWORD, `{mailbox}*${DOVECOT_MASTER_USER}`)]) {
      try {
        await expect(sink.importItem(item(users.obrien, `<ob-${id}@x>`))).resolves.toMatchObject({ status: expect.stringMatching(/^(imported|duplicate)$/) });
      } finally { await sink.close(); }
    }
  });

  it('a login refused for one mailbox while the same credential works for others parks that mailbox, not the rest', async () => {
    const sink = sinkFor();
    try {
      await expect(sink.importItem(item(users.plain, `<p-${id}@x>`))).resolves.toMatchObject({ status: 'imported' });
      await expect(sink.importItem(item(`unknown-${id}@nobody.test`, `<u-${id}@x>`))).rejects.toMatchObject({ code: 'MAILBOX_UNAVAILABLE', disposition: 'park', message: expect.stringContaining('[AUTHENTICATIONFAILED]') });
    } finally { await sink.close(); }
  });

  it('a folder deleted under a pooled connection: retried (never permanent) until the folder is created again', async () => {
    const sink = sinkFor();
    const other = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, logger: false, auth: { user: users.plain, pass: PRIVATE_DOVECOT_PASSWORD } });
    try {
      await expect(sink.importItem(item(users.plain, `<t1-${id}@x>`))).resolves.toMatchObject({ status: 'imported' });
      await other.connect();
      await other.mailboxDelete('INBOX/Webex Teams');
      // Dovecot answers the APPEND on the connection that still has the folder selected with
      // [SERVERBUG] (a retry), a fresh one with [TRYCREATE]: either way the runner's next attempt imports.
      const failures: unknown[] = [];
      let done: { status: string } | undefined;
      for (let attempt = 0; attempt < 3 && !done; attempt++) {
        done = await sink.importItem(item(users.plain, `<t2-${id}@x>`)).catch((err: unknown) => { failures.push(err); return undefined; });
      }
      expect(done).toMatchObject({ status: 'imported' });
      for (const f of failures) expect(f).toMatchObject({ retriable: true, disposition: 'retry' });
      const status = await other.status('INBOX/Webex Teams', { messages: true });
      expect(status && status.messages).toBe(1);
    } finally {
      await other.logout().catch(() => undefined);
      await sink.close();
    }
  });

  it('past WXA_IMAP_MAX_CONNECTIONS the least recently used connection closes; its mailbox logs in again and still knows what it holds', async () => {
    // A pool of one, so every change of mailbox closes the other's connection.
    const sink = sinkFor(PRIVATE_DOVECOT_PASSWORD, '{mailbox}', 1);
    try {
      const a = item(users.plain, `<pool-a-${id}@x>`);
      await expect(sink.importItem(a)).resolves.toMatchObject({ status: 'imported' });
      await expect(sink.importItem(item(users.obrien, `<pool-b-${id}@x>`))).resolves.toMatchObject({ status: 'imported' });
      await expect(sink.importItem(item(users.plain, `<pool-d-${id}@x>`))).resolves.toMatchObject({ status: 'imported' });
      // The same item again on the reopened connection: found by Message-ID, not appended twice.
      await expect(sink.importItem(a)).resolves.toMatchObject({ status: 'duplicate' });
    } finally {
      await sink.close();
    }
  });
});
