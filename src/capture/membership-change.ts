import type { CaptureSource, MembershipChange } from '../kafka/records.js';
import type { CrawlSource, WxEvent } from './crawl-source.js';

/**
 * Membership snapshots (a memberships webhook's `data`, a memberships compliance event's `data`:
 * the Membership resource, webex-messaging OpenAPI `Membership`) to timeline changes. Pure.
 *
 * A join is dated by the membership's own `created`, which both paths carry, so the webhook and
 * the crawl write the same record. A leave carries no time in its data: the crawl dates it by its
 * event, the webhook path looks that event up (findLeave) and only falls back to its arrival time.
 */
export function membershipChangeFrom(data: Record<string, unknown>, change: MembershipChange['change'], at: string | undefined, source: CaptureSource, observedAt: Date): MembershipChange | null {
  const str = (k: string) => (typeof data[k] === 'string' && data[k] ? (data[k] as string) : undefined);
  const id = str('id'), roomId = str('roomId'), personId = str('personId'), personEmail = str('personEmail');
  const when = change === 'joined' ? (str('created') ?? at) : at;
  if (!id || !roomId || !personId || !personEmail || !when || Number.isNaN(Date.parse(when))) return null;
  return {
    roomId, personId, personEmail: personEmail.toLowerCase(), personDisplayName: str('personDisplayName') ?? personEmail,
    membershipId: id, change, at: new Date(when).toISOString(), source, observedAt: observedAt.toISOString(),
  };
}

/** A memberships compliance event to a change; `updated` (moderator changes) is not a join or leave. */
export function changeFromEvent(e: WxEvent, source: CaptureSource, observedAt: Date): MembershipChange | null {
  if (e.resource !== 'memberships') return null;
  const change = e.type === 'created' ? 'joined' : e.type === 'deleted' ? 'left' : null;
  return change ? membershipChangeFrom(e.data, change, e.created, source, observedAt) : null;
}

/**
 * When the membership that began with `joined` ended: the first memberships/deleted event for
 * it since then (GET /events, resource=memberships), read from `opts.from` when the caller knows
 * the leave is recent. Undefined when Webex shows none yet (its REST can lag a webhook,
 * webex-api.md §4).
 */
export async function findLeave(source: Pick<CrawlSource, 'listEvents'>, joined: Pick<MembershipChange, 'membershipId' | 'at'>, opts: { from?: string } = {}): Promise<string | undefined> {
  let first: string | undefined;
  for await (const e of source.listEvents({ resource: 'memberships', from: opts.from ?? joined.at })) {
    if (e.type !== 'deleted' || e.data.id !== joined.membershipId || e.created < joined.at) continue;
    if (first === undefined || e.created < first) first = e.created;
  }
  return first;
}

/**
 * When an update a webhook announces happened: the latest `<resource>/updated` compliance event
 * for that id whose snapshot matches the webhook's (`matches`), since `from`. Both paths then
 * name the item by the same time; undefined while Webex shows no such event yet.
 */
export async function findUpdateTime(source: Pick<CrawlSource, 'listEvents'>, q: { resource: string; id: string; from: string; matches: (data: Record<string, unknown>) => boolean }): Promise<string | undefined> {
  let latest: string | undefined;
  for await (const e of source.listEvents({ resource: q.resource, from: q.from })) {
    if (e.type !== 'updated' || e.data.id !== q.id || !q.matches(e.data)) continue;
    if (latest === undefined || e.created > latest) latest = e.created;
  }
  return latest;
}
