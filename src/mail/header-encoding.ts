/**
 * Header encoding. Every value from Webex (names, titles, file names) is untrusted: control
 * characters, CR and LF are replaced before anything else, so no input can end a header line and
 * start another (header injection) or break the MIME structure. Non-ASCII text becomes RFC 2047
 * encoded-words ("B" encoding of UTF-8); long headers are folded at 78 characters (RFC 5322 §2.1.1).
 * Hand-written rather than libmime's encoder and folder, so that the golden files' bytes stay as
 * they are (docs/email-format.md).
 */

/** Replaces CR, LF, TAB and other control characters with a space and trims the result. */
export function cleanHeaderText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The longest plain token we write as is. A token cannot be folded, so one longer than a line
 * allows (a title or a name without spaces) would carry its line past RFC 5322's 998-octet limit
 * (§2.1.1): such values are written as encoded-words, which split anywhere. Up to this length a
 * token stays plain even past the 78-character SHOULD, so Webex ids (about 80 characters) in the
 * X-Webex-* headers stay searchable as they are; 998 leaves room for the longest header name.
 */
const MAX_PLAIN_TOKEN = 900;

function isPlain(clean: string): boolean {
  return PRINTABLE_ASCII.test(clean) && !/=\?/.test(clean);
}

/** RFC 2047 encoded-words for `text`, each at most 75 characters, never splitting a UTF-8 sequence. */
export function encodeWords(text: string): string[] {
  const words: string[] = [];
  const prefix = '=?UTF-8?B?';
  const suffix = '?=';
  // 75 - 12 (prefix + suffix) = 63 base64 chars = 45 bytes of UTF-8 at most per word (RFC 2047 §2).
  const maxBytes = 45;
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch, 'utf8') > maxBytes) {
      words.push(prefix + Buffer.from(chunk, 'utf8').toString('base64') + suffix);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(prefix + Buffer.from(chunk, 'utf8').toString('base64') + suffix);
  return words;
}

/** An unstructured header value (Subject, X-headers): cleaned, encoded if not plain ASCII, as tokens to fold. */
export function unstructuredTokens(value: string): string[] {
  const clean = cleanHeaderText(value);
  if (isPlain(clean)) {
    const tokens = clean.split(' ').filter((t) => t !== '');
    if (tokens.every((t) => t.length <= MAX_PLAIN_TOKEN)) return tokens;
  }
  return encodeWords(clean);
}

/** A display name for an address: quoted ASCII, or encoded-words (RFC 2047 §5(3)). */
export function displayNameTokens(name: string): string[] {
  const clean = cleanHeaderText(name);
  if (clean === '') return [];
  const quoted = `"${clean.replace(/(["\\])/g, '\\$1')}"`;
  if (isPlain(clean) && quoted.length <= MAX_PLAIN_TOKEN) return [quoted];
  return encodeWords(clean);
}

/** Joins tokens into `Name: value` folded with CRLF + space so that lines stay within 78 characters where possible. */
export function foldHeader(name: string, tokens: readonly string[], separator = ' '): string {
  let out = `${name}:`;
  let lineLength = out.length;
  tokens.forEach((token, i) => {
    const piece = (i === 0 ? ' ' : separator) + token;
    if (lineLength + piece.length > 78 && i > 0) {
      const trimmed = piece.replace(/^ /, '');
      out += `\r\n ${trimmed}`;
      lineLength = 1 + trimmed.length;
    } else {
      out += piece;
      lineLength += piece.length;
    }
  });
  return out + '\r\n';
}

/** Only the characters an addr-spec may safely carry here; anything else is dropped (it cannot inject). */
export function cleanAddress(address: string): string {
  const a = address.trim().toLowerCase().replace(/[^a-z0-9@._+\-!#$%&'*/=?^`{|}~]/g, '');
  return a.includes('@') ? a : `${a || 'unknown'}@unknown.invalid`;
}
