import { describe, expect, it } from 'vitest';
import { messageIdOfHeaders, normalizeMessageId } from '../../src/sinks/message-id-header.js';

describe('messageIdOfHeaders', () => {
  it('reads the msg-id of a header block, any case, folded or with comments around it', () => {
    expect(messageIdOfHeaders(Buffer.from('Message-ID: <a@x>\r\n\r\n'))).toBe('<a@x>');
    expect(messageIdOfHeaders('message-id:\r\n  <folded@x>\r\n')).toBe('<folded@x>');
    expect(messageIdOfHeaders('Message-Id: (note) <c@x> (more)\r\n')).toBe('<c@x>');
    expect(messageIdOfHeaders('Message-ID: bare@x\r\n')).toBe('bare@x');
  });
  it('is undefined without a Message-ID', () => {
    expect(messageIdOfHeaders(undefined)).toBeUndefined();
    expect(messageIdOfHeaders('\r\n')).toBeUndefined();
    expect(messageIdOfHeaders('X-Message-ID-Not: <n@x>\r\n')).toBeUndefined();
  });
  it('normalizes to angle brackets', () => {
    expect(normalizeMessageId(' bare@x ')).toBe('<bare@x>');
    expect(normalizeMessageId('<a@x>')).toBe('<a@x>');
  });
});
