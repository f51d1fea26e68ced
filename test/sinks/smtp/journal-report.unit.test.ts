import { describe, expect, it } from 'vitest';
import { journalReportBody, toJournalReport } from '../../../src/sinks/smtp/journal-report.js';
import { addressesOf, decodeWords, headerValues, withHeaders } from '../../../src/sinks/smtp/message-headers.js';
import { classifySmtpError } from '../../../src/sinks/smtp/smtp-reply.js';

const original = Buffer.from([
  'Message-ID: <wx-1@webex-archiver.invalid>', 'Date: Mon, 05 Jan 2026 09:01:00 +0000',
  'From: "Ng, Alice" <alice@example.com>', 'To: "Li, Bob" <bob@example.com>,', ' carol@example.com', 'Cc: <dan@partner.example>',
  'Subject: =?UTF-8?B?w6l0w6k=?=', 'MIME-Version: 1.0', 'Content-Type: text/plain', '', 'hello', '',
].join('\r\n'));

describe('journal report', () => {
  it('lists sender, subject, Message-Id and each true recipient once, from folded headers with quoted commas', () => {
    expect(addressesOf(headerValues(original, 'To')[0]!)).toEqual(['bob@example.com', 'carol@example.com']);
    expect(journalReportBody(original).split('\r\n')).toEqual([
      'Sender: alice@example.com', 'Subject: été', 'Message-Id: <wx-1@webex-archiver.invalid>',
      'To: bob@example.com', 'To: carol@example.com', 'Cc: dan@partner.example', '',
    ]);
  });

  it('decodes encoded-words (B and Q, split words joined) and leaves unknown charsets alone', () => {
    expect(decodeWords('=?UTF-8?B?W21lbWJlciBqb2luZWRdIFdlYmV4OiDDiXF1aXBlIDE=?=')).toBe('[member joined] Webex: Équipe 1');
    expect(decodeWords('=?utf-8?q?caf=C3=A9_au?= =?UTF-8?B?IGxhaXQ=?= ok')).toBe('café au lait ok');
    expect(decodeWords('=?iso-2022-jp?B?GyRCJTUbKEI=?=')).toBe('=?iso-2022-jp?B?GyRCJTUbKEI=?=');
  });

  it('attaches the original byte for byte and is deterministic', () => {
    const a = toJournalReport(original, { from: 'j@example.com', journalAddress: 'journal@example.com' });
    expect(a.equals(toJournalReport(original, { from: 'j@example.com', journalAddress: 'journal@example.com' }))).toBe(true);
    const text = a.toString('latin1');
    const start = text.indexOf('Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n') + 'Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n'.length;
    const end = text.lastIndexOf('\r\n--=_wxa_jr_');
    expect(a.subarray(start, end).equals(original)).toBe(true);
  });

  it('adds X- headers without letting a value start a header of its own', () => {
    const out = withHeaders(original, [{ name: 'X-Archive-Source', value: 'webex\r\nBcc: evil@example.com' }]).toString('latin1');
    expect(out.startsWith('X-Archive-Source: webex Bcc: evil@example.com\r\nMessage-ID:')).toBe(true);
    expect(headerValues(Buffer.from(out, 'latin1'), 'Bcc')).toEqual([]);
  });
});

describe('SMTP reply classification (RFC 5321 §4.2.1)', () => {
  it('retries 4xx, writes off 5xx quoting the server, and treats refused credentials as configuration', () => {
    const e421 = classifySmtpError({ responseCode: 421, response: '421 4.7.0 Error: too many connections', command: 'CONN' });
    expect([e421.code, e421.retriable, e421.message]).toEqual(['RATE_LIMITED', true, 'SMTP 421 (after CONN): 421 4.7.0 Error: too many connections']);
    const e552 = classifySmtpError({ responseCode: 552, response: '552 5.3.4 Message size exceeds fixed limit', command: 'DATA' });
    expect([e552.code, e552.retriable]).toEqual(['REJECTED', false]);
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Error: authentication failed' }).code).toBe('AUTH_FAILED');
    expect(classifySmtpError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }).retriable).toBe(true);
    // 454: the server's authentication backend is unreachable for now: retried, not a credential fault.
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 454, response: '454 4.7.0 Temporary authentication failure' }).code).toBe('UNAVAILABLE');
  });
});
