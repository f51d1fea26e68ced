import { ArchiverError } from '../../errors.js';

/**
 * An SMTP failure as one of the project's errors, by the server's reply code (RFC 5321 §4.2.1):
 * 4yz is transient (retry later: 421 service not available, 450/451 try again, 452 insufficient
 * storage), 5yz permanent for this message (550 mailbox unavailable, 552 too large, 554 failed),
 * except that refused credentials (535) or a failed STARTTLS (no offer, a certificate that does
 * not verify) are AUTH_FAILED: every item would fail alike, so the work pauses and alerts instead
 * of writing items off one by one. The message quotes the server's reply, which the
 * outcome then carries. Errors without a reply (a reset connection, a timeout) are transient.
 */
interface SmtpError { code?: string; responseCode?: number; response?: string; command?: string; message?: string }

export function classifySmtpError(err: unknown): ArchiverError {
  if (err instanceof ArchiverError) return err;
  const e = (err ?? {}) as SmtpError;
  const reply = (e.response ?? '').replace(/\s+/g, ' ').trim();
  const at = e.command ? ` (after ${e.command.split(' ')[0]})` : '';
  const code = e.responseCode;
  // 454 (RFC 4954 §6): the server could not check the credentials just now; try again.
  if (e.code === 'EAUTH' && code !== undefined && code >= 400 && code < 500) return new ArchiverError('UNAVAILABLE', `SMTP ${code}${at}: ${reply}`, { cause: err });
  if (e.code === 'EAUTH' || code === 535 || code === 534 || code === 530) {
    return new ArchiverError('AUTH_FAILED', `SMTP AUTH refused${at}: ${reply || e.message}`, { cause: err });
  }
  if (e.code === 'ETLS' || /STARTTLS|certificate/i.test(e.message ?? '')) {
    return new ArchiverError('AUTH_FAILED', `SMTP TLS: ${e.message}${reply ? ` (${reply})` : ''}`, { cause: err });
  }
  if (e.code === 'EMESSAGE' && /size larger than allowed/i.test(e.message ?? '')) {
    // The server's EHLO SIZE (RFC 1870) is below this item: it would answer 552 to it.
    return new ArchiverError('REJECTED', `SMTP: ${e.message} (the server's SIZE)`, { cause: err });
  }
  if (code !== undefined && code >= 500 && code < 600) return new ArchiverError('REJECTED', `SMTP ${code}${at}: ${reply}`, { cause: err });
  if (code !== undefined && code >= 400 && code < 500) return new ArchiverError('RATE_LIMITED', `SMTP ${code}${at}: ${reply}`, { cause: err });
  return new ArchiverError('UNAVAILABLE', `SMTP: ${e.message ?? String(err)}`, { cause: err });
}
