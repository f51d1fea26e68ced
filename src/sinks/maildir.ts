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
  const m = mailbox.trim().toLowerCase();
  if (!/^[a-z0-9._+\-]+@[a-z0-9.\-]+$/.test(m) || m.includes('..')) throw new ArchiverError('BAD_INPUT', `not a mailbox name: ${JSON.stringify(mailbox)}`);
  return path.join(root, m, 'Maildir');
}

export function maildirFolderPath(root: string, mailbox: string, folder: string): string {
  // Maildir++ uses "." as the hierarchy separator; keep a folder one level deep.
  const name = folder.replace(/^INBOX[./]/i, '').replace(/[./\\]/g, '_');
  return path.join(mailboxDir(root, mailbox), `.${name}`);
}

export function maildirFileName(messageId: string): string {
  return `${createHash('sha256').update(messageId).digest('hex').slice(0, 40)}.webex-archiver:2,S`;
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
        return { status: 'imported', ref: final };
      } catch (err) {
        if (err instanceof ArchiverError) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        // No right to the folder, a folder that cannot be created (its name taken by a file), a
        // full disk: an operator fixes these, for this mailbox only, so import parks its items
        // (the reference table's NOPERM/OVERQUOTA); anything else may heal by itself.
        throw new ArchiverError(code && MAILBOX_REFUSALS.has(code) ? 'DEFERRED' : 'UNAVAILABLE', `maildir ${item.mailbox}: ${(err as Error).message}`, { cause: err });
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
