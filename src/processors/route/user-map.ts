import { ArchiverError } from '../../errors.js';

/**
 * User mapping: which mailbox receives a participant's copy.
 * 1. The CSV override (`webexEmail,mailbox`), case-insensitive on the Webex email.
 * 2. A participant whose email domain is one of the organization's is their own mailbox.
 * 3. Anyone else is external/unmapped: the fallback mailbox, or only recorded (policy).
 */
export interface UserMap {
  overrides: ReadonlyMap<string, string>;
  orgDomains: readonly string[];
}

export type Mapping = { kind: 'mailbox'; mailbox: string } | { kind: 'unmapped' };

export function mapParticipant(email: string, map: UserMap): Mapping {
  const e = email.trim().toLowerCase();
  const override = map.overrides.get(e);
  if (override) return { kind: 'mailbox', mailbox: override };
  const domain = e.slice(e.lastIndexOf('@') + 1);
  if (e.includes('@') && map.orgDomains.includes(domain)) return { kind: 'mailbox', mailbox: e };
  return { kind: 'unmapped' };
}

/** Parses the override CSV. A header row `webexEmail,mailbox` is optional; bad rows name their line. */
export function parseUserMapCsv(text: string, source = 'user map'): Map<string, string> {
  const out = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const cells = t.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (i === 0 && cells[0]?.toLowerCase() === 'webexemail') return;
    const [from, to] = cells;
    if (cells.length !== 2 || !from?.includes('@') || !to?.includes('@')) {
      throw new ArchiverError('CONFIG', `WXA_USER_MAP_FILE: ${source} line ${i + 1} is not "webexEmail,mailbox"`);
    }
    out.set(from.toLowerCase(), to.toLowerCase());
  });
  return out;
}
