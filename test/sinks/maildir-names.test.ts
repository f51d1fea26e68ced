import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMaildirSink, mailboxDirName, mailboxFromDirName } from '../../src/sinks/maildir.js';

/** Every local part providers accept (RFC 5321 §4.1.2, RFC 6531) gets its own safe, reversible folder. */
const ADDRESSES = [
  "o'brien@example.com", 'alice@example.com', 'first.last+tag@example.com', 'a/b@example.com', '../../etc@example.com',
  '.hidden@example.com', 'x..y@example.com', '#!$%&*=?^`{|}~@example.com', '"john doe"@example.com', '"a\\"b"@example.com',
  'a%2Fb@example.com', 'a%252Fb@example.com', 'jürgen@example.de', '用户@例子.广告', 'a@b@example.com', 'under_score@sub.example.co.uk',
];

describe('Maildir mailbox names', () => {
  it('map every accepted address to a safe name that reads back, without collisions', () => {
    const names = ADDRESSES.map(mailboxDirName);
    for (const [i, name] of names.entries()) {
      expect(name).not.toMatch(/[/\\\0]/);
      expect(name.startsWith('.')).toBe(false);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
      expect(mailboxFromDirName(name)).toBe(ADDRESSES[i]!.toLowerCase());
    }
    expect(new Set(names).size).toBe(ADDRESSES.length);
  });

  it('keeps the folder of a plain address where it always was', () => {
    expect(mailboxDirName('Alice@Example.com')).toBe('alice@example.com');
    expect(mailboxDirName("o'brien@example.com")).toBe('o%27brien@example.com');
  });

  it("imports o'brien@example.com and a traversal attempt inside the root only", async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wxa-maildir-names-'));
    const sink = createMaildirSink({ root });
    for (const mailbox of ["o'brien@example.com", '../../etc@example.com']) {
      const eml = Buffer.from('Message-ID: <n@x>\r\nSubject: t\r\n\r\nhi\r\n');
      await expect(sink.importItem({ mailbox, folder: 'Webex Teams', messageId: '<n@x>', date: new Date('2026-01-05T09:00:00Z'), size: eml.length, open: async () => Readable.from([eml]) })).resolves.toMatchObject({ status: 'imported' });
    }
    expect(readdirSync(root).sort()).toEqual(['%2E.%2F..%2Fetc@example.com', 'o%27brien@example.com']);
  });

  it('an address without a local part or a domain is malformed input', () => {
    for (const bad of ['@example.com', 'nobody@', 'no-at-sign', '']) expect(() => mailboxDirName(bad)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });

  it('an address whose name would pass 255 bytes gets a unique shortened name', () => {
    const a = `${'ü'.repeat(60)}a@${'d'.repeat(200)}.example`;
    const b = `${'ü'.repeat(60)}b@${'d'.repeat(200)}.example`;
    expect(Buffer.byteLength(mailboxDirName(a))).toBeLessThanOrEqual(255);
    expect(mailboxDirName(a)).not.toBe(mailboxDirName(b));
  });
});
