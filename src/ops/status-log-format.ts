import type { DailyLog } from './status-log.js';

/**
 * The status log as CSV: one `summary` row per day with the counts, then one `item` row per
 * failed, rejected or unmapped item of that day with its ids, mailbox and reason. One file with a
 * row-type column keeps a day's summary next to its items when an operator opens it in a sheet.
 */
const SUMMARY_COLUMNS = ['completedAt', 'available', 'fannedOut', 'imported', 'partial', 'skipped', 'failed', 'parked', 'pending', 'rejected', 'unmapped', 'failedUpstream', 'note', 'availableMessages', 'availableMemberships', 'availableRooms', 'availableActions', 'availableTranscripts', 'availableMeetingMessages', 'availableMeetingTranscripts'] as const;
const ITEM_COLUMNS = ['kind', 'at', 'processor', 'itemId', 'webexMessageId', 'roomId', 'mailbox', 'participantEmail', 'code', 'reason', 'redrive'] as const;
export const CSV_HEADER = ['row', 'date', ...SUMMARY_COLUMNS, ...ITEM_COLUMNS];

export function statusLogCsv(log: DailyLog): string {
  const lines = [CSV_HEADER.join(',')];
  const blankSummary = SUMMARY_COLUMNS.map(() => '');
  const blankItem = ITEM_COLUMNS.map(() => '');
  for (const day of log.days) {
    const s = day.summary;
    lines.push(['summary', s.date, ...SUMMARY_COLUMNS.map((c) => s[c]), ...blankItem].map(csvField).join(','));
    for (const item of day.items) {
      lines.push(['item', s.date, ...blankSummary, ...ITEM_COLUMNS.map((c) => item[c])].map(csvField).join(','));
    }
  }
  return lines.join('\r\n') + '\r\n';
}

export function statusLogJson(log: DailyLog): string {
  return JSON.stringify({
    ...log,
    definitions: {
      available: 'distinct items (itemId) that reached route that day',
      fannedOut: 'distinct (itemId, mailbox) import tasks written that day; fannedOut = imported + partial + skipped + failed + parked + pending',
      failed: 'copies import dead-lettered (redrive brings them back)',
      parked: 'copies waiting on a retry topic; they come back by themselves when due',
      rejected: 'items over the size limit under the reject policy; never fanned out',
      unmapped: 'participants with no mailbox and no fallback; never fanned out',
      failedUpstream: 'distinct items a processor before import (hydrate to route) dead-lettered; never fanned out',
    },
  }, null, 2) + '\n';
}

/**
 * RFC 4180 quoting, plus a leading apostrophe on text that a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR), as OWASP advises for CSV exports; numbers are written as they are.
 */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
