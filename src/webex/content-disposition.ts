/**
 * The filename of a Webex file, from the Content-Disposition header that HEAD and GET
 * /contents/{id} carry (docs/webex-api.md §1, File contents). RFC 6266: `filename*` (RFC 8187
 * ext-value, `charset'lang'pct-encoded`) wins over `filename` when both are present and decodable.
 */

interface DispositionParams {
  type: string;
  params: Map<string, string>;
}

/** Splits `type; a=b; c="d; e"` into the type and its parameters (names lower-cased, first wins). */
export function parseDispositionParams(header: string): DispositionParams {
  const params = new Map<string, string>();
  const n = header.length;
  let i = header.indexOf(';');
  const type = (i < 0 ? header : header.slice(0, i)).trim().toLowerCase();
  if (i < 0) return { type, params };
  while (i < n) {
    i++; // past ';'
    const eq = header.indexOf('=', i);
    const semi = header.indexOf(';', i);
    if (eq < 0 || (semi >= 0 && semi < eq)) {
      i = semi < 0 ? n : semi;
      continue;
    }
    const name = header.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
    let value = '';
    if (header[i] === '"') {
      i++;
      while (i < n && header[i] !== '"') {
        if (header[i] === '\\' && i + 1 < n) i++;
        value += header[i];
        i++;
      }
      const next = header.indexOf(';', i);
      i = next < 0 ? n : next;
    } else {
      const end = header.indexOf(';', i);
      value = header.slice(i, end < 0 ? n : end).trim();
      i = end < 0 ? n : end;
    }
    if (name && !params.has(name)) params.set(name, value);
  }
  return { type, params };
}

/** Decodes an RFC 8187 ext-value (`UTF-8''na%C3%AFve.txt`); undefined when malformed or of an unknown charset. */
export function decodeExtValue(value: string): string | undefined {
  const m = /^([A-Za-z0-9!#$&+\-^_`{}~]+)'[A-Za-z0-9-]*'(.*)$/.exec(value);
  if (!m) return undefined;
  const charset = m[1]!.toLowerCase();
  const encoded = m[2]!;
  if (!/^(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-Fa-f]{2})*$/.test(encoded)) return undefined;
  const bytes: number[] = [];
  for (let k = 0; k < encoded.length; k++) {
    if (encoded[k] === '%') {
      bytes.push(parseInt(encoded.slice(k + 1, k + 3), 16));
      k += 2;
    } else {
      bytes.push(encoded.charCodeAt(k));
    }
  }
  const buf = Buffer.from(bytes);
  if (charset === 'utf-8') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      return undefined;
    }
  }
  if (charset === 'iso-8859-1') return buf.toString('latin1');
  return undefined;
}

/**
 * The filename a Content-Disposition header names, or undefined. Directory parts are dropped
 * (RFC 6266 §4.3: recipients must not trust path information), so the result is a bare name.
 */
export function filenameFromContentDisposition(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const { params } = parseDispositionParams(header);
  const ext = params.get('filename*');
  const decoded = ext === undefined ? undefined : decodeExtValue(ext);
  const name = decoded ?? params.get('filename');
  if (name === undefined) return undefined;
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return base === '' || base === '.' || base === '..' ? undefined : base;
}
