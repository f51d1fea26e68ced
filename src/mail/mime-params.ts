import { cleanHeaderText, encodeWords } from './header-encoding.js';

/**
 * MIME parameters for file names. RFC 2231 `filename*` (percent-encoded UTF-8, split into
 * numbered continuations so no line grows long) is the standard; many clients still read the
 * RFC 2047-encoded `name=` on Content-Type, so both are written.
 */
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/** One character, percent-encoded as RFC 2231 §4 wants (its UTF-8 bytes, `%XX` unless an attribute-char). */
function percentEncodeChar(ch: string): string {
  if (ch.length === 1 && ch.charCodeAt(0) < 0x80 && ATTR_CHAR.test(ch)) return ch;
  let out = '';
  for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** Longest encoded piece per continuation line. */
const PIECE_CHARS = 60;

/**
 * `filename*0*=utf-8''...;` continuation lines (RFC 2231 §3, §4), each folded onto its own line.
 * Pieces end only between characters: never inside a `%XX` escape, and never between the bytes
 * of one UTF-8 character, since many readers decode each continuation on its own.
 */
export function rfc2231Param(param: string, value: string): string {
  const pieces: string[] = [];
  let piece = '';
  for (const ch of cleanHeaderText(value)) {
    const encoded = percentEncodeChar(ch);
    if (piece !== '' && piece.length + encoded.length > PIECE_CHARS) {
      pieces.push(piece);
      piece = '';
    }
    piece += encoded;
  }
  pieces.push(piece);
  if (pieces.length === 1) return `;\r\n ${param}*=utf-8''${pieces[0]}`;
  return pieces.map((p, n) => `;\r\n ${param}*${n}*=${n === 0 ? "utf-8''" : ''}${p}`).join('');
}

/** Longest escaped ASCII value written as a plain quoted-string: with ` name=""` its line stays within 998 octets. */
const MAX_QUOTED_CHARS = 980;

/**
 * `name="..."` with an ASCII quoted-string or encoded-words (RFC 2047 in a parameter: widely
 * read, not standard). The encoded-words are folded one per line (folding white space inside a
 * quoted-string, RFC 5322 §3.2.4), so a long name never passes the 998-octet line limit.
 */
export function quotedParam(param: string, value: string): string {
  const clean = cleanHeaderText(value);
  const escaped = clean.replace(/(["\\])/g, '\\$1');
  if (/^[\x20-\x7e]*$/.test(clean) && escaped.length + param.length <= MAX_QUOTED_CHARS) return `;\r\n ${param}="${escaped}"`;
  return `;\r\n ${param}="${encodeWords(clean).join('\r\n ')}"`;
}

/** A content type we are willing to write: type/subtype tokens only, else application/octet-stream. */
export function safeContentType(value: string): string {
  const v = value.trim().toLowerCase().split(';')[0]!.trim();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(v) ? v : 'application/octet-stream';
}
