import type { WebexClient } from '../webex/client.js';
import type { Webhook, WebhookCreate } from '../webex/types.js';

/**
 * The webhooks the archiver needs: every message event (created/updated/deleted), every
 * membership event (the membership timeline, joins, leaves and moderator changes as items) and
 * every room update (renames and re-classifications as items), every card submission
 * (attachmentActions) and every new meeting transcript (meetingTranscripts, which Webex supports
 * org-wide: docs/webex-api.md, "Meetings"), org-wide, signed with our secret. In-meeting chat
 * has no webhook; the crawl reads it.
 * Registration is idempotent: a webhook with the same name and target is kept, and re-activated
 * when Webex disabled it after failed deliveries (Webex never re-enables one by itself), or given
 * our secret when it carries an older one.
 */
export const WANTED: readonly Pick<WebhookCreate, 'name' | 'resource' | 'event'>[] = [
  { name: 'webex-archiver messages', resource: 'messages', event: 'all' },
  { name: 'webex-archiver memberships', resource: 'memberships', event: 'all' },
  { name: 'webex-archiver rooms', resource: 'rooms', event: 'updated' },
  { name: 'webex-archiver attachment actions', resource: 'attachmentActions', event: 'created' },
  { name: 'webex-archiver meeting transcripts', resource: 'meetingTranscripts', event: 'created' },
];

export interface RegistrationPlan {
  create: WebhookCreate[];
  reactivate: Webhook[];
  /**
   * Active, but signed with another secret than ours (the secret was rotated): every delivery
   * would be refused with 401 until Webex disables the webhook, so its secret is updated.
   */
  resecret: Webhook[];
  keep: Webhook[];
}

/** Pure: compares what exists with what we want. */
export function planRegistration(existing: readonly Webhook[], targetUrl: string, secret: string): RegistrationPlan {
  const plan: RegistrationPlan = { create: [], reactivate: [], resecret: [], keep: [] };
  for (const want of WANTED) {
    const found = existing.find((w) => w.name === want.name && w.targetUrl === targetUrl && w.resource === want.resource && w.event === want.event);
    if (!found) plan.create.push({ ...want, targetUrl, secret, ownedBy: 'org' });
    else if (found.status === 'inactive') plan.reactivate.push(found);
    // Webex shows a webhook's secret (Webhook object, docs/webex-api.md §1 "Webhooks"); when it does not, we cannot tell.
    else if (found.secret !== undefined && found.secret !== secret) plan.resecret.push(found);
    else plan.keep.push(found);
  }
  return plan;
}

export async function listWebhooks(client: WebexClient): Promise<Webhook[]> {
  const out: Webhook[] = [];
  for await (const w of client.webhooks.list({ max: 100 })) out.push(w);
  return out;
}

/**
 * One line for the operator, shared by `webhooks register|repair` and `demo`, so every list of the
 * plan is reported: before, `resecret` was missing, and a rotated secret's updates went unreported.
 */
export function planSummary(plan: RegistrationPlan): string {
  return `created ${plan.create.length}, re-activated ${plan.reactivate.length}, re-keyed ${plan.resecret.length}, already active ${plan.keep.length}`;
}

/** Creates what is missing, re-activates what is disabled and updates stale secrets. `repairOnly` creates nothing. */
export async function applyRegistration(client: WebexClient, targetUrl: string, secret: string, opts: { repairOnly?: boolean } = {}): Promise<RegistrationPlan> {
  const plan = planRegistration(await listWebhooks(client), targetUrl, secret);
  if (!opts.repairOnly) for (const c of plan.create) await client.webhooks.create(c);
  for (const w of plan.reactivate) await client.webhooks.update(w.id, { name: w.name, targetUrl: w.targetUrl, secret, status: 'active' });
  for (const w of plan.resecret) await client.webhooks.update(w.id, { name: w.name, targetUrl: w.targetUrl, secret });
  return opts.repairOnly ? { ...plan, create: [] } : plan;
}
