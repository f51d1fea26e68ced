import { describe, expect, it } from 'vitest';
import { classifyImapFailure, isAlreadyExists, isFolderMissing, isPlainRefusal, plainRefusalCounter } from '../../src/sinks/imap-answer.js';

/**
 * Recorded refusals (the fields imapflow 2.x puts on its errors) for the RFC 5530 codes our
 * Dovecot cannot be made to say; each row of docs/failure-answers.md, IMAP, gets its decision.
 * The texts are deliberately misleading: classification must come from the code alone.
 */
function refusal(code: string | false, text: string, status = 'NO', extra: Record<string, unknown> = {}) {
  return Object.assign(new Error('Command failed'), { responseStatus: status, responseText: text, serverResponseCode: code, ...extra });
}

const rows: [string | false, string, string, string][] = [
  ['UNAVAILABLE', 'Temporary authentication failure', 'UNAVAILABLE', 'retry'],
  ['AUTHENTICATIONFAILED', 'try again later', 'AUTH_FAILED', 'pause'],
  ['AUTHORIZATIONFAILED', 'Authorization failed', 'MAILBOX_UNAVAILABLE', 'park'],
  ['EXPIRED', 'Password expired', 'AUTH_FAILED', 'pause'],
  ['PRIVACYREQUIRED', 'Use TLS', 'AUTH_FAILED', 'pause'],
  ['CONTACTADMIN', 'Account locked', 'MAILBOX_UNAVAILABLE', 'park'],
  ['NOPERM', 'Permission denied', 'MAILBOX_UNAVAILABLE', 'park'],
  ['INUSE', 'Mailbox is locked, too large to process', 'UNAVAILABLE', 'retry'],
  ['EXPUNGEISSUED', 'Some messages were expunged', 'UNAVAILABLE', 'retry'],
  ['CORRUPTION', 'Index corrupted', 'UNAVAILABLE', 'retry'],
  ['SERVERBUG', 'Internal error occurred. Refer to server log for more information.', 'UNAVAILABLE', 'retry'],
  ['CLIENTBUG', 'Bad sequence set', 'INTERNAL', 'permanent'],
  ['CANNOT', 'Too large, try again', 'REJECTED', 'permanent'],
  ['LIMIT', 'Rate limited, try again', 'TOO_LARGE', 'permanent'],
  ['OVERQUOTA', 'Quota exceeded (mailbox for user is full)', 'MAILBOX_UNAVAILABLE', 'park'],
  ['TRYCREATE', 'Mailbox does not exist', 'UNAVAILABLE', 'retry'],
  ['NONEXISTENT', 'Mailbox does not exist', 'UNAVAILABLE', 'retry'],
  // No code at all: the text says "exceeded" and "too large"; it must not decide anything.
  [false, 'message too large, quota exceeded', 'UNAVAILABLE', 'retry'],
];

describe('IMAP answers classified by response code (RFC 5530)', () => {
  for (const [code, text, want, disposition] of rows) {
    it(`NO [${code || 'no code'}] "${text}" is ${want} (${disposition})`, () => {
      expect(classifyImapFailure('append', refusal(code, text))).toMatchObject({ code: want, disposition });
    });
  }

  it('a plain NO at LOGIN (no code) is a refused credential: pause', () => {
    expect(classifyImapFailure('connect', refusal(false, 'Login failed', 'NO', { authenticationFailed: true }))).toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause' });
    expect(isPlainRefusal(refusal(false, 'Login failed', 'NO', { authenticationFailed: true }))).toBe(false);
  });

  it('[UNAVAILABLE] at LOGIN stays a retry even though imapflow flags it authenticationFailed', () => {
    expect(classifyImapFailure('connect', refusal('UNAVAILABLE', 'Temporary authentication failure', 'NO', { authenticationFailed: true }))).toMatchObject({ code: 'UNAVAILABLE', retriable: true });
  });

  it('BAD on a command we built is ours: permanent and visible', () => {
    expect(classifyImapFailure('append', refusal(false, 'Error in IMAP command', 'BAD'))).toMatchObject({ code: 'INTERNAL', retriable: false });
  });

  it('Microsoft 365 throttling (imapflow ETHROTTLE) waits the suggested backoff', () => {
    expect(classifyImapFailure('append', refusal(false, 'Request is throttled. Suggested Backoff Time: 92415 milliseconds', 'BAD', { code: 'ETHROTTLE', throttleReset: 92415 }))).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 93 });
  });

  it('a dropped connection, a timeout or BYE is a retry', () => {
    expect(classifyImapFailure('append', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatchObject({ code: 'UNAVAILABLE' });
    expect(classifyImapFailure('append', refusal(false, 'Server shutting down', 'BYE'))).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('imapflow refusing an APPEND above the advertised APPENDLIMIT (RFC 7889) is too large', () => {
    expect(classifyImapFailure('append', Object.assign(new Error('Message content too big for APPENDLIMIT=100'), { serverResponseCode: 'APPENDLIMIT' }))).toMatchObject({ code: 'TOO_LARGE' });
  });

  it('folder-missing, already-exists and plain refusals are recognised by code only', () => {
    expect(isFolderMissing(refusal('TRYCREATE', ''))).toBe(true);
    expect(isFolderMissing(refusal(false, 'TRYCREATE Mailbox does not exist'))).toBe(false);
    expect(isAlreadyExists(refusal('ALREADYEXISTS', ''))).toBe(true);
    expect(isAlreadyExists(refusal(false, 'Mailbox already exists'))).toBe(false);
    expect(isPlainRefusal(refusal(false, 'whatever'))).toBe(true);
    expect(isPlainRefusal(refusal('OVERQUOTA', 'whatever'))).toBe(false);
  });

  it('a plain NO (no code) is retried, and the third in a row for one mailbox parks it; a success resets the count', () => {
    const counter = plainRefusalCounter();
    const plain = () => classifyImapFailure('append', refusal(false, 'Message rejected'));
    expect(counter.note('a@x', plain())).toMatchObject({ code: 'UNAVAILABLE' });
    expect(counter.note('a@x', plain())).toMatchObject({ code: 'UNAVAILABLE' });
    expect(counter.note('b@x', plain())).toMatchObject({ code: 'UNAVAILABLE' });
    expect(counter.note('a@x', plain())).toMatchObject({ code: 'MAILBOX_UNAVAILABLE', disposition: 'park' });
    counter.reset('b@x');
    expect(counter.note('b@x', plain())).toMatchObject({ code: 'UNAVAILABLE' });
    // A coded answer is never counted: it already says what it is.
    expect(counter.note('c@x', classifyImapFailure('append', refusal('OVERQUOTA', '')))).toMatchObject({ code: 'MAILBOX_UNAVAILABLE' });
    expect(counter.note('c@x', classifyImapFailure('append', refusal('SERVERBUG', '')))).toMatchObject({ code: 'UNAVAILABLE' });
  });
});
