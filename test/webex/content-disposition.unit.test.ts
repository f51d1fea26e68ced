import { describe, expect, it } from 'vitest';
import { decodeExtValue, filenameFromContentDisposition } from '../../src/webex/content-disposition.js';

describe('filenameFromContentDisposition (RFC 6266)', () => {
  it.each([
    ['attachment; filename="example.png"', 'example.png'],
    ['attachment; filename=plain.txt', 'plain.txt'],
    ['ATTACHMENT; FILENAME="upper.pdf"', 'upper.pdf'],
    ['attachment; filename="with \\"quotes\\" and ; semicolon.txt"', 'with "quotes" and ; semicolon.txt'],
    ['inline; filename="a.txt"; size=12', 'a.txt'],
    // filename* wins over filename, whatever the order (RFC 6266 §4.3)
    [`attachment; filename="na_ve.txt"; filename*=UTF-8''na%C3%AFve.txt`, 'naïve.txt'],
    [`attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf; filename="EUR rates.pdf"`, '€ rates.pdf'],
    [`attachment; filename*=utf-8'en'%E6%97%A5%E6%9C%AC.txt`, '日本.txt'],
    [`attachment; filename*=ISO-8859-1''caf%E9.txt`, 'café.txt'],
    // an undecodable filename* falls back to filename
    [`attachment; filename="fallback.txt"; filename*=UTF-8''%FF%FE.txt`, 'fallback.txt'],
    [`attachment; filename="fallback.txt"; filename*=KOI8-R''x.txt`, 'fallback.txt'],
    // path information is dropped (RFC 6266 §4.3)
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename="C:\\\\Users\\\\x\\\\evil.exe"', 'evil.exe'],
  ])('%s → %s', (header, name) => {
    expect(filenameFromContentDisposition(header)).toBe(name);
  });

  it.each([[undefined], [null], [''], ['attachment'], ['attachment; filename=""'], ['attachment; filename=".."'], ['attachment; size=3']])(
    'no name in %s',
    (header) => {
      expect(filenameFromContentDisposition(header)).toBeUndefined();
    },
  );
});

describe('decodeExtValue (RFC 8187)', () => {
  it('rejects malformed values', () => {
    expect(decodeExtValue('no-quotes')).toBeUndefined();
    expect(decodeExtValue("UTF-8''bad%zz")).toBeUndefined();
    expect(decodeExtValue("UTF-8''space here")).toBeUndefined();
  });
});
