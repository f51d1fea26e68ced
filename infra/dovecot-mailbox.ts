import { ImapFlow } from 'imapflow';
import { DOVECOT_USER_PASSWORD } from './dovecot.js';
import { HOST, PORTS } from './paths.js';

export interface FetchedMail { uid: number; source: Buffer; flags: Set<string>; internalDate: Date; messageId: string | undefined }

/**
 * Reads every message of one folder of one mailbox of the local throwaway Dovecot, logging in as
 * that user (not the archiver's master user), the way a mail client or a reviewer would see it.
 */
export async function readMailbox(mailbox: string, folder = 'INBOX/Webex Teams'): Promise<FetchedMail[]> {
  const client = new ImapFlow({ host: HOST, port: PORTS.dovecot, secure: false, auth: { user: mailbox, pass: DOVECOT_USER_PASSWORD }, logger: false });
  await client.connect();
  try {
    const list = await client.list();
    if (!list.some((m) => m.path === folder)) return [];
    const lock = await client.getMailboxLock(folder);
    try {
      const out: FetchedMail[] = [];
      for await (const m of client.fetch('1:*', { uid: true, source: true, flags: true, internalDate: true, envelope: true })) {
        out.push({ uid: m.uid, source: m.source as Buffer, flags: m.flags ?? new Set(), internalDate: new Date(m.internalDate as Date), messageId: m.envelope?.messageId });
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
}
