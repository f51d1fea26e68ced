import { cleanHeaderText, encodeWords } from './header-encoding.js';

/**
 * MIME parameters for file names. RFC 2231 `filename*` (percent-encoded UTF-8, split into
 * numbered continuations so no line grows long) is the standard; many clients still read the
 * RFC 2047-encoded `name=` on Content-Type, so both are written.
 */
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `filename*0*=utf-8''...;` continuation lines (RFC 2231 §3, §4), each folded onto its own line. */
export function rfc2231Param(param: string, value: string): string {
  const encoded = percentEncode(cleanHeaderText(value));
  const pieces: string[] = [];
  // Never cut a %XX escape in half.
  for (let i = 0; i < encoded.length;) {
    let end = Math.min(encoded.length, i + 60);
    const lastPct = encoded.lastIndexOf('%', end - 1);
    if (lastPct > end - 3 && lastPct >= i) end = lastPct;
    pieces.push(encoded.slice(i, end));
    i = end;
  }
  if (pieces.length === 0) pieces.push('');
  if (pieces.length === 1) return `;\r\n ${param}*=utf-8''${pieces[0]}`;
  return pieces.map((p, n) => `;\r\n ${param}*${n}*=${n === 0 ? "utf-8''" : ''}${p}`).join('');
}

/** `name="..."` with an ASCII quoted-string or encoded-words (RFC 2047 in a parameter: widely read, not standard). */
export function quotedParam(param: string, value: string): string {
  const clean = cleanHeaderText(value);
  if (/^[\x20-\x7e]*$/.test(clean)) return `;\r\n ${param}="${clean.replace(/(["\\])/g, '\\$1')}"`;
  return `;\r\n ${param}="${encodeWords(clean).join(' ')}"`;
}

/** A content type we are willing to write: type/subtype tokens only, else application/octet-stream. */
export function safeContentType(value: string): string {
  const v = value.trim().toLowerCase().split(';')[0]!.trim();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(v) ? v : 'application/octet-stream';
}
