/**
 * Reading and extending the header section of an RFC 5322 message held as bytes, without parsing
 * (or touching) the body: what the journaling sink needs to list recipients and to add its X-
 * headers. Header field names are case-insensitive; folded lines are unfolded (RFC 5322 §2.2.3).
 */
export function headerSection(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  return raw.subarray(0, end < 0 ? raw.length : end).toString('latin1');
}

/** Every value of header `name` in the message, unfolded, in order. */
export function headerValues(raw: Buffer, name: string): string[] {
  const unfolded = headerSection(raw).replace(/\r\n[ \t]+/g, ' ');
  const out: string[] = [];
  for (const line of unfolded.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name.toLowerCase()) out.push(line.slice(colon + 1).trim());
  }
  return out;
}

/** The addr-specs of an address-list header value (`"Name" <a@b>, c@d`): only what is inside <> or bare. */
export function addressesOf(value: string): string[] {
  const out: string[] = [];
  // Quoted display names may contain commas or angle brackets: drop them first.
  const stripped = value.replace(/"(?:[^"\\]|\\.)*"/g, '');
  for (const part of stripped.split(',')) {
    const angle = /<([^>]*)>/.exec(part);
    const addr = (angle ? angle[1]! : part).trim();
    if (addr.includes('@')) out.push(addr);
  }
  return out;
}

/**
 * The message with `headers` added in front (a header block may list fields in any order;
 * RFC 5322 §3.6). Names and values were validated as printable ASCII at start-up, and CR/LF are
 * dropped again here so that no value can start a header of its own.
 */
export function withHeaders(raw: Buffer, headers: readonly { name: string; value: string }[]): Buffer {
  if (headers.length === 0) return raw;
  // eslint-disable-next-line no-control-regex
  const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  const block = headers.map((h) => `${clean(h.name)}: ${clean(h.value)}\r\n`).join('');
  return Buffer.concat([Buffer.from(block, 'ascii'), raw]);
}

/**
 * RFC 2047 encoded-words decoded to text (UTF-8 and US-ASCII charsets, B and Q encodings), for the
 * readable lines of a journal report; anything else is left as it stands. Whitespace between two
 * encoded-words is dropped (RFC 2047 §6.2).
 */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (word, charset: string, enc: string, text: string) => {
      if (!/^(utf-8|us-ascii)$/i.test(charset)) return word;
      const bytes = enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return bytes.toString('utf8');
    });
}
