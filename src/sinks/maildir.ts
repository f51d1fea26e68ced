import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ArchiverError } from '../errors.js';
import type { ImportRequest, MailboxSink } from './sink.js';

/**
 * A Maildir++ archive, one folder per mailbox: <root>/<mailbox>/Maildir/.Webex Teams/{tmp,new,cur}
 * (Dovecot, mutt and Thunderbird read this layout; Maildir++ subfolders are dot-prefixed and
 * live under the INBOX's Maildir). The file name is derived from the Message-ID, so "already
 * imported" is a file-exists check; writes go to tmp/ and are renamed into cur/ (atomic on one
 * file system), so a crash leaves at most tmp/ garbage, which the next import of that item
 * replaces. Files carry the S (seen) flag and the message date as their time.
 */
export function mailboxDir(root: string, mailbox: string): string {
  return path.join(root, mailboxDirName(mailbox), 'Maildir');
}

/** Characters a folder name keeps as they are; everything else (and `%` itself) becomes `%XX`. */
const KEPT = /[a-z0-9@._+-]/;
/** File names are at most 255 bytes on the file systems we run on (ext4, xfs, APFS, NTFS). */
const MAX_NAME_BYTES = 255;

/**
 * The folder name of a mailbox: the address in lower case (as providers compare it), every byte
 * outside `[a-z0-9@._+-]` percent-encoded (UTF-8, upper-case hex), and a leading dot too. So every
 * local part providers accept (RFC 5321 §4.1.2 atext such as `o'brien`, `a/b`, `#x`, quoted
 * strings, UTF-8 per RFC 6531) gets a safe name: no `/`, no `..`, no hidden folder. The mapping is
 * injective (`%` is itself encoded), so two addresses never share a folder, and
 * `mailboxFromDirName` reverses it. Only a name above 255 bytes once encoded (beyond RFC 5321's
 * 64-octet local part) is cut and suffixed with a hash of the whole: still unique, not reversible.
 */
export function mailboxDirName(mailbox: string): string {
  const m = mailbox.trim().toLowerCase();
  const at = m.lastIndexOf('@');
  if (at <= 0 || at === m.length - 1) throw new ArchiverError('BAD_INPUT', `not a mailbox name: ${JSON.stringify(mailbox)}`);
  let out = '';
  for (const ch of m) {
    if (ch.length === 1 && KEPT.test(ch) && !(out === '' && ch === '.')) { out += ch; continue; }
    for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out.length <= MAX_NAME_BYTES) return out;
  return `${out.slice(0, MAX_NAME_BYTES - 41)}~${createHash('sha256').update(m).digest('hex').slice(0, 40)}`;
}

/** The address a folder name stands for (the inverse of mailboxDirName for every name within 255 bytes). */
export function mailboxFromDirName(name: string): string {
  return Buffer.from(name.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

export function maildirFolderPath(root: string, mailbox: string, folder: string): string {
  // Maildir++ uses "." as the hierarchy separator; keep a folder one level deep.
  const name = folder.replace(/^INBOX[./]/i, '').replace(/[./\\]/g, '_');
  return path.join(mailboxDir(root, mailbox), `.${name}`);
}

export function maildirFileName(messageId: string): string {
  return `${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}.webex-archiver:2,S`;
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}

async function exists(p: string): Promise<boolean> {
  try { await stat(p); return true; } catch { return false; }
}

const MAILBOX_REFUSALS = new Set(['EACCES', 'EPERM', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EDQUOT', 'EROFS']);

export function createMaildirSink(opts: { root: string }): MailboxSink {
  return {
    name: 'maildir',
    async importItem(item: ImportRequest) {
      const dir = maildirFolderPath(opts.root, item.mailbox, item.folder);
      const name = maildirFileName(item.messageId);
      const final = path.join(dir, 'cur', name);
      if (await exists(final)) return { status: 'duplicate', ref: final };
      try {
        await Promise.all(['tmp', 'new', 'cur'].map((d) => mkdir(path.join(dir, d), { recursive: true })));
        // The root Maildir of the mailbox too, so the INBOX exists for clients.
        await Promise.all(['tmp', 'new', 'cur'].map((d) => mkdir(path.join(mailboxDir(opts.root, item.mailbox), d), { recursive: true })));
        const tmp = path.join(dir, 'tmp', `${name.split(':')[0]}.${process.pid}`);
        await pipeline(await item.open(), createWriteStream(tmp));
        const fh = await open(tmp, 'r+');
        try { await fh.sync(); } finally { await fh.close(); }
        await utimes(tmp, item.date, item.date);
        await rename(tmp, final);
        // The rename lives in the directory: without its fsync a power loss can drop the entry
        // of an item whose offset is already committed (rename(2), fsync(2): data of the file
        // is not enough; Maildir's own rule is "sync before link, then the directory").
        await syncDir(path.join(dir, 'cur'));
        return { status: 'imported', ref: final };
      } catch (err) {
        if (err instanceof ArchiverError) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        // No right to the folder, a folder that cannot be created (its name taken by a file), a
        // full disk: an operator fixes these, for this mailbox only, so import parks its items
        // (the reference table's NOPERM/OVERQUOTA); anything else may heal by itself.
        throw new ArchiverError(code && MAILBOX_REFUSALS.has(code) ? 'MAILBOX_UNAVAILABLE' : 'UNAVAILABLE', `maildir ${item.mailbox}: ${(err as Error).message}`, { cause: err });
      }
    },
    async countItems(mailbox, folder) {
      const dir = maildirFolderPath(opts.root, mailbox, folder);
      let n = 0;
      for (const sub of ['cur', 'new']) {
        try { n += (await readdir(path.join(dir, sub))).length; } catch { /* none yet */ }
      }
      return n;
    },
    async close() { /* nothing held open */ },
  };
}

/** Removes leftovers of interrupted writes (tests and operators). */
export async function cleanTmp(root: string, mailbox: string, folder: string): Promise<void> {
  await rm(path.join(maildirFolderPath(root, mailbox, folder), 'tmp'), { recursive: true, force: true });
}
