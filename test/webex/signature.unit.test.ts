import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from '../../src/webex/signature.js';

// Vectors computed with: printf '<body>' | openssl dgst -sha1 -hmac '<secret>'
const BODY = '{"id":"abc","data":{"id":"m1"}}';
const SECRET = 's3cret';
const SIG = '91b79955551cb810cd9d288ad715f4083967f153';

describe('signWebhookBody', () => {
  it('matches openssl for a string and for the same bytes as a Buffer', () => {
    expect(signWebhookBody(BODY, SECRET)).toBe(SIG);
    expect(signWebhookBody(Buffer.from(BODY), SECRET)).toBe(SIG);
  });

  it('signs an empty body', () => {
    expect(signWebhookBody('', 'k')).toBe('3a84a218ee6665209bb70e84525dd837645a1965');
  });
});

describe('verifyWebhookSignature', () => {
  const body = Buffer.from(BODY);

  it('accepts the right signature, in either hex case and with surrounding space', () => {
    expect(verifyWebhookSignature(body, SIG, SECRET)).toBe(true);
    expect(verifyWebhookSignature(body, SIG.toUpperCase(), SECRET)).toBe(true);
    expect(verifyWebhookSignature(body, ` ${SIG} `, SECRET)).toBe(true);
  });

  it('rejects a wrong secret, a changed body and a flipped digit', () => {
    expect(verifyWebhookSignature(body, SIG, 'other')).toBe(false);
    expect(verifyWebhookSignature(Buffer.from(BODY + ' '), SIG, SECRET)).toBe(false);
    const flipped = (SIG[0] === '9' ? '8' : '9') + SIG.slice(1);
    expect(verifyWebhookSignature(body, flipped, SECRET)).toBe(false);
  });

  it('rejects missing and malformed headers without throwing', () => {
    for (const header of [undefined, '', 'zz', SIG.slice(0, 39), SIG + '0', SIG + '00', 'g'.repeat(40), `sha1=${SIG}`]) {
      expect(verifyWebhookSignature(body, header, SECRET)).toBe(false);
    }
  });
});
