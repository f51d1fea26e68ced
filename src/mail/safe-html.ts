/**
 * Makes Webex's rendered HTML safe to show in a mail client: an allowlist of harmless formatting
 * tags with no attributes (links keep only an http, https or mailto href), everything else
 * escaped as text; script and style lose their content too. Nothing executable survives.
 */
const ALLOWED = new Set(['p', 'br', 'b', 'strong', 'i', 'em', 'u', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'span', 'div', 'hr']);
const VOID = new Set(['br', 'hr']);
const DROP_CONTENT = new Set(['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'svg', 'math']);

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Plain text as HTML: escaped, line breaks kept. */
export function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>\n');
}

function safeHref(attrs: string): string | null {
  const m = /\bhref\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
  if (!m) return null;
  const raw = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '').trim();
  // Control characters and spaces inside a scheme are a classic filter bypass ("java\tscript:").
  // eslint-disable-next-line no-control-regex
  const compact = raw.replace(/[\u0000-\u0020]/g, '');
  return /^(https?:|mailto:)/i.test(compact) ? compact : null;
}

/**
 * A numeric character reference as the HTML standard reads it (§13.2.5.80, "numeric character
 * reference end state"): zero, a surrogate or anything above U+10FFFF is U+FFFD, so hostile
 * references like `&#x110000;` or `&#99999999;` never throw (String.fromCodePoint would).
 */
function codePointText(n: number): string {
  return Number.isSafeInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '\ufffd';
}

function decodeEntities(s: string): string {
  return s.replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => codePointText(h.length > 8 ? Infinity : parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d: string) => codePointText(d.length > 8 ? Infinity : Number(d)))
    .replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function sanitizeHtml(html: string): string {
  let out = '';
  const open: string[] = [];
  // Comments end at `-->` or `--!>`, and `<!-->` / `<!--->` are complete empty comments (HTML
  // standard §13.2.5.43-52): read otherwise, one `<!-->` would swallow the rest of the part.
  const re = /<!--(?:-?>|[\s\S]*?(?:--!?>|$))|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:"[^"]*"|'[^']*'|[^'">])*)(>|$)|<[^>]*>?/g;
  let last = 0;
  let dropping: string | null = null;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (!dropping) out += escapeHtml(decodeEntities(html.slice(last, m.index)));
    last = re.lastIndex;
    const closing = m[1] === '/';
    const tag = (m[2] ?? '').toLowerCase();
    if (!tag) continue; // comments, doctype, stray '<'
    if (dropping) { if (closing && tag === dropping) dropping = null; continue; }
    if (DROP_CONTENT.has(tag)) { if (!closing) dropping = tag; continue; }
    if (!ALLOWED.has(tag)) continue;
    if (closing) {
      const at = open.lastIndexOf(tag);
      if (at === -1) continue;
      while (open.length > at) out += `</${open.pop()}>`;
      continue;
    }
    if (VOID.has(tag)) { out += `<${tag}>`; continue; }
    if (tag === 'a') {
      const href = safeHref(m[3] ?? '');
      out += href ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer">` : '<a>';
    } else {
      out += `<${tag}>`;
    }
    open.push(tag);
  }
  if (!dropping) out += escapeHtml(decodeEntities(html.slice(last)));
  while (open.length) out += `</${open.pop()}>`;
  return out;
}
