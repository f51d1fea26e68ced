import nodemailer from 'nodemailer';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import type { ImportRequest, MailboxSink } from '../sink.js';
import { toJournalReport } from './journal-report.js';
import type { SmtpLedger } from './ledger.js';
import { withHeaders } from './message-headers.js';
import { classifySmtpError } from './smtp-reply.js';
import { readAll } from '../../memory/read-all.js';

/**
 * The SMTP journaling sink (WXA_SINK=smtp): every item goes to one journal address over a pool of
 * SMTP connections (nodemailer), for archives that ingest by email (Global Relay, Smarsh,
 * Mimecast, Proofpoint, Enterprise Vault; docs/smtp-journaling.md).
 *
 * An item is journaled once, not once per participant: the import tasks of its other mailboxes
 * find it in the ledger and report `duplicate`. STARTTLS is required unless configured otherwise,
 * with the certificate checked (the configuration allows either off only for a loopback host).
 * The envelope carries SIZE (RFC 1870), and an item above the server's announced SIZE is refused
 * before it is sent. Reply codes decide the outcome (smtp-reply.ts): 4xx is retried by the runner,
 * 5xx is a failed outcome quoting the server.
 */
export type SmtpConfig = Pick<Config, 'smtpHost' | 'smtpPort' | 'smtpTls' | 'smtpTlsVerify' | 'smtpUser' | 'smtpPassword' | 'smtpFrom' | 'smtpJournalAddress' | 'smtpForm' | 'smtpHeaders' | 'smtpMaxConnections'>;

export function createSmtpSink(config: SmtpConfig, logger: Logger, ledger: SmtpLedger): MailboxSink {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: config.smtpMaxConnections,
    host: config.smtpHost,
    port: config.smtpPort,
    secure: config.smtpTls === 'implicit',
    requireTLS: config.smtpTls === 'starttls',
    ignoreTLS: config.smtpTls === 'none',
    tls: { rejectUnauthorized: config.smtpTlsVerify, servername: config.smtpHost },
    ...(config.smtpUser ? { auth: { user: config.smtpUser, pass: config.smtpPassword } } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
    logger: false,
  });
  const target = config.smtpJournalAddress;
  const inFlight = new Map<string, Promise<{ status: 'imported' | 'duplicate'; ref?: string }>>();

  async function send(item: ImportRequest): Promise<{ status: 'imported'; ref: string }> {
    const original = await readAll(await item.open());
    const bytes = config.smtpForm === 'envelope'
      ? toJournalReport(original, { from: config.smtpFrom, journalAddress: target, headers: config.smtpHeaders })
      : withHeaders(original, config.smtpHeaders);
    let reply: string;
    try {
      const info = await transport.sendMail({ envelope: { from: config.smtpFrom, to: [target], size: bytes.length } as { from: string; to: string[] }, raw: bytes });
      reply = String(info.response ?? '');
    } catch (err) {
      const e = classifySmtpError(err);
      logger.warn({ sink: 'smtp', messageId: item.messageId, code: e.code, reason: e.message }, 'SMTP send failed');
      throw e;
    }
    await ledger.record({ messageId: item.messageId, target, form: config.smtpForm, acceptedAt: new Date().toISOString(), size: bytes.length, reply });
    return { status: 'imported', ref: reply };
  }

  return {
    name: 'smtp',
    async importItem(item) {
      const key = `${target}\n${item.messageId}`;
      // Another participant's task for the same item is being sent right now: wait for it; then
      // it is in the ledger (or it failed, and this task tries for itself). The check and the
      // claim happen with no await in between, so two tasks never both send.
      for (let running = inFlight.get(key); running; running = inFlight.get(key)) await running.catch(() => undefined);
      const p = (async () => ((await ledger.has(target, item.messageId)) ? { status: 'duplicate' as const } : send(item)))();
      inFlight.set(key, p);
      try {
        return await p;
      } finally {
        if (inFlight.get(key) === p) inFlight.delete(key);
      }
    },
    async close() {
      transport.close();
      await ledger.close();
    },
  };
}

