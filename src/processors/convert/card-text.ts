import { escapeHtml } from '../../mail/safe-html.js';

/**
 * An Adaptive Card, readable: its text and facts in reading order, for the text and HTML bodies
 * (the card JSON itself is attached). Pure. Follows the card schema (adaptivecards.io/explorer):
 * TextBlock `text`, RichTextBlock `inlines[].text`, FactSet `facts[]{title, value}`, inputs by
 * their `label` (or `placeholder`, `id`) and any default `value`, choices by `title`, and the
 * titles of actions; containers (`body`, `items`, `columns`, `card`) are walked in order.
 * Unknown elements contribute what text they carry; nothing in a card is ever executed.
 */
export type CardLine = { kind: 'text'; text: string } | { kind: 'fact'; title: string; value: string };

export function cardLines(json: string): CardLine[] {
  let card: unknown;
  try {
    card = JSON.parse(json);
  } catch {
    return [{ kind: 'text', text: '(card JSON could not be read; it is attached as it was)' }];
  }
  const out: CardLine[] = [];
  walk(card, out, 0);
  return out;
}

function walk(node: unknown, out: CardLine[], depth: number): void {
  if (depth > 50 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, out, depth + 1);
    return;
  }
  const o = node as Record<string, unknown>;
  const type = typeof o.type === 'string' ? o.type : '';
  const str = (k: string) => (typeof o[k] === 'string' && (o[k] as string).trim() ? (o[k] as string).trim() : undefined);
  if (type === 'TextBlock' && str('text')) out.push({ kind: 'text', text: str('text')! });
  else if (type === 'TextRun' && str('text')) out.push({ kind: 'text', text: str('text')! });
  else if (type === 'FactSet' && Array.isArray(o.facts)) {
    for (const f of o.facts as Record<string, unknown>[]) out.push({ kind: 'fact', title: String(f?.title ?? ''), value: String(f?.value ?? '') });
  } else if (type.startsWith('Input.')) {
    const label = str('label') ?? str('placeholder') ?? str('id') ?? type;
    out.push({ kind: 'fact', title: `${label} (input)`, value: str('value') ?? '' });
    if (Array.isArray(o.choices)) for (const c of o.choices as Record<string, unknown>[]) if (typeof c?.title === 'string') out.push({ kind: 'text', text: `- ${c.title}` });
  } else if (type.startsWith('Action.') && str('title')) out.push({ kind: 'text', text: `[${str('title')!}]` });
  for (const k of ['body', 'items', 'inlines', 'columns', 'actions', 'card']) if (k in o) walk(o[k], out, depth + 1);
}

export function cardText(lines: readonly CardLine[]): string {
  return lines.map((l) => (l.kind === 'text' ? l.text : `${l.title}: ${l.value}`)).join('\n');
}

export function cardHtml(lines: readonly CardLine[]): string {
  const parts: string[] = [];
  for (const [i, l] of lines.entries()) {
    if (l.kind === 'text') { parts.push(`<p>${escapeHtml(l.text)}</p>`); continue; }
    const prev = lines[i - 1];
    if (prev?.kind !== 'fact') parts.push('<table>');
    parts.push(`<tr><th>${escapeHtml(l.title)}</th><td>${escapeHtml(l.value)}</td></tr>`);
    if (lines[i + 1]?.kind !== 'fact') parts.push('</table>');
  }
  return parts.join('\n');
}
