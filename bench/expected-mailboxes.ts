import { toEmailPlans } from '../src/processors/convert/transform.js';
import { loadUserMap } from '../src/processors/route/index.js';
import { routeItem } from '../src/processors/route/transform.js';
import type { Config } from '../src/config/schema.js';
import type { ImportTask, RawMessage, StagedItem } from '../src/kafka/records.js';

/**
 * The oracle for "exactly one copy per mailbox": which Message-IDs each mailbox must hold, from
 * the pure cores (convert, route) applied to every captured raw record, each item once. The crash
 * test and the soak compare what the mailboxes really hold against it.
 */
export function expectedMailboxes(raws: readonly RawMessage[], config: Config): Map<string, Set<string>> {
  const map = loadUserMap(config);
  const seen = new Set<string>();
  const out = new Map<string, Set<string>>();
  for (const raw of raws) {
    for (const plan of toEmailPlans(raw, { orgDomains: config.orgDomains })) {
      if (seen.has(plan.itemId)) continue;
      seen.add(plan.itemId);
      const staged = { participants: plan.participants, itemId: plan.itemId, webexMessageId: plan.webexMessageId, roomId: plan.roomId, messageId: plan.messageId } as StagedItem;
      for (const o of routeItem(staged, map, { unmappedPolicy: config.unmappedPolicy, fallbackMailbox: config.fallbackMailbox }, new Date())) {
        if (o.topic !== 'imports') continue;
        const t = o.value as ImportTask;
        out.set(t.mailbox, (out.get(t.mailbox) ?? new Set()).add(t.messageId));
      }
    }
  }
  return out;
}

export interface MailboxDiff { mailbox: string; expected: number; held: number; missing: string[]; duplicated: string[]; unexpected: string[] }

/** Compares one mailbox's Message-IDs (as held, repeats included) with what it must hold. */
export function diffMailbox(mailbox: string, expected: ReadonlySet<string>, held: readonly string[]): MailboxDiff {
  const counts = new Map<string, number>();
  for (const id of held) counts.set(id, (counts.get(id) ?? 0) + 1);
  return {
    mailbox,
    expected: expected.size,
    held: held.length,
    missing: [...expected].filter((id) => !counts.has(id)),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
    unexpected: [...counts.keys()].filter((id) => !expected.has(id)),
  };
}
