/**
 * A reader for the subset of YAML that docker-compose.yml and deploy/prometheus/prometheus.yml use,
 * because the project has no YAML parser among its dependencies and the test must not add one:
 * block mappings and sequences, one-line flow collections (`[a, "b"]`, `{ k: v }`), plain, single-
 * and double-quoted scalars, comments, anchors (`&a`), aliases (`*a`) and merge keys (`<<: *a`).
 * Every scalar stays a string (no number or boolean typing). Anything else (block scalars `|`/`>`,
 * tags, several documents, flow collections over several lines, tabs) throws naming the line, so
 * a file that outgrows the subset fails the test instead of being misread.
 */
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };
type YamlMap = { [key: string]: YamlValue };

interface Line { no: number; indent: number; text: string }

export function parseYaml(source: string): YamlValue {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    const indent = raw.length - raw.trimStart().length;
    if (/^\s*\t/.test(raw)) throw fail(i + 1, 'tab in indentation');
    const text = stripComment(raw.slice(indent)).trimEnd();
    if (text === '') return;
    if (text === '---' || text === '...' || /^%/.test(text)) throw fail(i + 1, 'documents and directives are not supported');
    lines.push({ no: i + 1, indent, text });
  });
  const anchors = new Map<string, YamlValue>();
  let at = 0;
  const peek = (): Line | undefined => lines[at];

  function block(indent: number): YamlValue {
    const first = peek();
    if (!first || first.indent < indent) return null;
    return isSeqItem(first.text) ? sequence(first.indent) : mapping(first.indent);
  }

  function sequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    for (let line = peek(); line && line.indent === indent && isSeqItem(line.text); line = peek()) {
      const rest = line.text.slice(1).trimStart();
      if (rest === '') { at++; out.push(block(indent + 1)); continue; }
      if (isSeqItem(rest) || splitKey(rest, line.no)) {
        // "- key: value" or "- - x": the item is a block that starts at the column of its content.
        const inner = { no: line.no, indent: indent + (line.text.length - rest.length), text: rest };
        lines[at] = inner;
        out.push(block(inner.indent));
      } else {
        at++;
        out.push(inline(rest, line.no));
      }
    }
    return out;
  }

  function mapping(indent: number): YamlMap {
    const own: YamlMap = {};
    const merged: YamlMap = {};
    for (let line = peek(); line && line.indent === indent && !isSeqItem(line.text); line = peek()) {
      at++;
      const kv = splitKey(line.text, line.no);
      if (!kv) throw fail(line.no, `expected "key: value", got "${line.text}"`);
      const key = kv[0];
      let rest = kv[1];
      let anchor: string | undefined;
      const a = /^&([^\s]+)\s*(.*)$/.exec(rest);
      if (a) { anchor = a[1]; rest = a[2] ?? ''; }
      const next = peek();
      let value: YamlValue;
      if (rest !== '') value = inline(rest, line.no);
      else if (next && (next.indent > indent || (next.indent === indent && isSeqItem(next.text)))) value = block(next.indent);
      else value = null;
      if (anchor) anchors.set(anchor, value);
      if (key === '<<') mergeInto(merged, value, line.no);
      else if (Object.hasOwn(own, key)) throw fail(line.no, `duplicate key "${key}"`);
      else own[key] = value;
    }
    const after = peek();
    if (after && after.indent > indent) throw fail(after.no, 'unexpected indentation');
    return { ...merged, ...own };
  }

  /** A value on one line: a flow collection, an alias, a quoted or a plain scalar. */
  function inline(text: string, no: number): YamlValue {
    let pos = 0;
    const ws = () => { while (text.charAt(pos) === ' ') pos++; };
    const value = (inFlow: boolean): YamlValue => {
      ws();
      const c = text.charAt(pos);
      if (c === '[') {
        pos++;
        const out: YamlValue[] = [];
        ws();
        if (text.charAt(pos) === ']') { pos++; return out; }
        for (;;) {
          out.push(value(true));
          ws();
          if (text.charAt(pos) === ',') { pos++; ws(); if (text.charAt(pos) === ']') { pos++; return out; } continue; }
          if (text.charAt(pos) === ']') { pos++; return out; }
          throw fail(no, `expected , or ] at column ${pos + 1}`);
        }
      }
      if (c === '{') {
        pos++;
        const own: YamlMap = {};
        const merged: YamlMap = {};
        ws();
        if (text.charAt(pos) === '}') { pos++; return own; }
        for (;;) {
          const key = scalar(true, true);
          if (text.charAt(pos) !== ':') throw fail(no, `expected : at column ${pos + 1}`);
          pos++;
          const v = value(true);
          if (key === '<<') mergeInto(merged, v, no);
          else if (Object.hasOwn(own, key)) throw fail(no, `duplicate key "${key}"`);
          else own[key] = v;
          ws();
          if (text.charAt(pos) === ',') { pos++; ws(); if (text.charAt(pos) === '}') { pos++; break; } continue; }
          if (text.charAt(pos) === '}') { pos++; break; }
          throw fail(no, `expected , or } at column ${pos + 1}`);
        }
        return { ...merged, ...own };
      }
      if (c === '*') {
        const name = /^\*([^\s,\]}]+)/.exec(text.slice(pos))?.[1] ?? '';
        const target = anchors.get(name);
        if (target === undefined) throw fail(no, `unknown alias *${name}`);
        pos += name.length + 1;
        return target;
      }
      if (c === '&' || c === '!' || c === '|' || c === '>' || c === '@' || c === '`') throw fail(no, `"${c}" is not supported here`);
      return scalar(inFlow, false);
    };
    const scalar = (inFlow: boolean, isKey: boolean): string => {
      ws();
      const c = text.charAt(pos);
      if (c === '"' || c === "'") {
        let out = '';
        pos++;
        for (;;) {
          if (pos >= text.length) throw fail(no, 'unterminated quoted string (multi-line scalars are not supported)');
          const ch = text.charAt(pos++);
          if (c === "'" && ch === "'") { if (text.charAt(pos) === "'") { out += "'"; pos++; continue; } return out; }
          if (c === '"' && ch === '"') return out;
          if (c === '"' && ch === '\\') {
            const e = text.charAt(pos++);
            const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t' };
            const unescaped = map[e];
            if (unescaped === undefined) throw fail(no, `escape \\${e} is not supported`);
            out += unescaped;
            continue;
          }
          out += ch;
        }
      }
      const start = pos;
      while (pos < text.length) {
        const ch = text.charAt(pos);
        if (inFlow && (ch === ',' || ch === ']' || ch === '}')) break;
        if (ch === ':' && (isKey || inFlow) && (pos + 1 >= text.length || /[\s,\]}]/.test(text.charAt(pos + 1)))) break;
        pos++;
      }
      return text.slice(start, pos).trim();
    };
    const v = value(false);
    ws();
    if (pos !== text.length) throw fail(no, `unexpected "${text.slice(pos)}" (flow collections must close on their line)`);
    return v;
  }

  function mergeInto(target: YamlMap, value: YamlValue, no: number): void {
    const sources = Array.isArray(value) ? value : [value];
    // Earlier sources win over later ones, and the mapping's own keys over all of them.
    for (const s of [...sources].reverse()) {
      if (s === null || typeof s !== 'object' || Array.isArray(s)) throw fail(no, '<< needs a mapping (an alias of one)');
      Object.assign(target, s);
    }
  }

  const doc = block(0);
  const left = peek();
  if (left) throw fail(left.no, 'unexpected content');
  return doc;
}

function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** "key: rest" (key plain or quoted; the colon followed by a space or the end), or undefined. */
function splitKey(text: string, no: number): [string, string] | undefined {
  if (text.startsWith('[') || text.startsWith('{')) return undefined;
  let end: number;
  let key: string;
  if (text.startsWith('"') || text.startsWith("'")) {
    end = text.indexOf(text.charAt(0), 1);
    if (end < 0) throw fail(no, 'unterminated quoted key');
    key = text.slice(1, end);
    end++;
    if (text.charAt(end) !== ':') return undefined;
  } else {
    const m = /:(\s|$)/.exec(text);
    if (!m) return undefined;
    end = m.index;
    key = text.slice(0, end).trim();
  }
  if (/^[?&*!|>]/.test(key)) throw fail(no, `key "${key}" is not supported`);
  return [key, text.slice(end + 1).trim()];
}

/** Removes a comment: "#" at the start or after a space, outside quotes. */
function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === "'" && quote === "'" && text.charAt(i + 1) === "'") i++;
      else if (ch === quote) quote = null;
    } else if ((ch === '"' || ch === "'") && (i === 0 || /[\s[{,:]/.test(text.charAt(i - 1)))) quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text.charAt(i - 1)))) return text.slice(0, i);
  }
  return text;
}

function fail(line: number, message: string): Error {
  return new Error(`YAML line ${line}: ${message}`);
}
