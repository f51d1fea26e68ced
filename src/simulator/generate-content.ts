import { escapeHtml } from './escape-html.js';
import type { Prng } from './prng.js';

/**
 * Content pools for generated organizations: names, phrases and file names that exercise what
 * archivers get wrong: accents, CJK, right-to-left scripts, emoji (including joined sequences),
 * markup-looking text and header-injection attempts.
 */
export const FIRST_NAMES = ['Alice', 'José', 'Zoë', 'Søren', '李', 'Анна', 'محمد', 'דנה', 'Ngozi', 'Łukasz', 'Ærin', 'Priyā', 'Jürgen', 'Chloé', 'Kenji', 'Fatima'];
export const LAST_NAMES = ['Ng', 'Álvarez', "O'Brien", 'Müller', '王', 'Иванова', 'الحسن', 'כהן', 'Okafor', 'Wójcik', 'Sørensen', 'Iyer', 'Dubois', 'Tanaka', 'Nakamura', 'van der Berg'];

export const PHRASES = [
  'Can we move the rates call to 3pm?',
  'Bonjour à tous, le rapport est prêt ✅',
  'Das Meeting wurde verschoben — bitte Kalender prüfen.',
  '请查看附件中的季度报告。',
  'مرحبا بالجميع، الاجتماع غدا في الساعة العاشرة',
  'שלום לכולם, הדוח מוכן לבדיקה',
  'Привет! Сделка закрыта 🎉',
  'Looks good to me 👍🏽',
  'Family emoji test 👨‍👩‍👧‍👦 and flags 🇯🇵🇧🇷',
  'Mixed direction: price ‏١٢٣٫٤٥‏ USD for עסקה 42',
  'Fwd: <b>not html</b> & "quotes" \'single\'',
  'Subject: injected\r\nBcc: attacker@example.net',
  'Zero-width joiner​ and non‑breaking hyphen',
  '日本語のテキストと English mixed together.',
  'Please confirm the notional of €25,000,000 before EOD.',
  'ok',
];

export const FILE_NAMES = [
  'q1-report.pdf', 'Résumé final.docx', '報告書 2026.xlsx', 'تقرير.pdf', 'naïve café ☕.txt', 'celebration 🎉.png',
  'Überweisung (Kopie).pdf', 'data.csv', 'презентация.pptx', 'empty.bin', 'trade "blotter".xlsx', 'notes; semi,colon.txt',
];

const TYPES: Record<string, string> = {
  pdf: 'application/pdf', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', txt: 'text/plain; charset=utf-8',
  png: 'image/png', csv: 'text/csv', pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', bin: 'application/octet-stream',
};

export function contentTypeOf(name: string): string {
  return TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
}

/** One or two phrases; sometimes long (several KB) to exercise big bodies. */
export function messageText(prng: Prng): { text: string; html: string | null } {
  const parts = [prng.pick(PHRASES)];
  if (prng.chance(0.3)) parts.push(prng.pick(PHRASES));
  if (prng.chance(0.02)) parts.push(Array.from({ length: 60 }, () => prng.pick(PHRASES)).join(' '));
  const text = parts.join(' ');
  const html = prng.chance(0.5) ? `<p>${parts.map(escapeHtml).join('</p><p>')}</p>` : null;
  return { text, html };
}

/**
 * A file size: mostly small, some empty, some around a megabyte; with `large`, now and then over
 * 10 MB (the Microsoft connector's cut-off, DESIGN.md).
 */
export function fileSize(prng: Prng, large: boolean): number {
  const r = prng.next();
  if (large && r < 0.08) return prng.int(10 * 1024 * 1024 + 1, 12 * 1024 * 1024);
  if (r < 0.15) return 0;
  if (r < 0.6) return prng.int(1, 4096);
  if (r < 0.9) return prng.int(4097, 300 * 1024);
  return prng.int(300 * 1024, 2 * 1024 * 1024);
}
