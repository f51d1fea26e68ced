import { createHmac } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Faults } from './faults.js';
import type { StatsRecorder } from './stats.js';
import type { OrgStore } from './store.js';
import type { WebhookRec } from './store-types.js';
import { webhookJson, type Json } from './views.js';

/**
 * Delivers webhooks as Webex does: one POST per matching webhook with a compact JSON body and, when
 * the webhook has a secret, `X-Spark-Signature` = hex HMAC-SHA1 of those exact bytes (docs/webex-api.md §4).
 * No retries are documented, so a failed delivery is not retried; after `failureThreshold` failures
 * inside `failureWindowMs` (documented: 100 in 5 minutes) the webhook turns `inactive` and stays so
 * until a PUT sets `status:"active"`. A webhook re-activated less than 5 minutes ago is disabled by
 * its next failure.
 */
export interface DeliveryOptions {
  failureThreshold: number;
  failureWindowMs: number;
  timeoutMs: number;
  /**
   * Deliveries in flight per webhook. Webex documents no ordering, so above 1 a receiver may see an
   * edit before its message, as it can in production; 1 delivers strictly in order.
   */
  concurrency: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { failureThreshold: 100, failureWindowMs: 5 * 60_000, timeoutMs: 10_000, concurrency: 4 };

/** Which keys each resource's filter understands (docs/webex-api.md §4, Filters). */
function filterMatches(filter: string | undefined, data: Json): boolean {
  if (!filter) return true;
  for (const part of filter.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = decodeURIComponent(part.slice(0, eq));
    const v = decodeURIComponent(part.slice(eq + 1));
    if (k === 'hasFiles') {
      if ((Array.isArray(data.files) && data.files.length > 0) !== (v === 'true')) return false;
    } else if (k === 'personEmail') {
      if (String(data.personEmail ?? '').toLowerCase() !== v.toLowerCase()) return false;
    } else if (k in data) {
      if (String(data[k]) !== v) return false;
    }
  }
  return true;
}

export class WebhookDispatcher {
  private pending = 0;
  private waiters: (() => void)[] = [];
  private readonly queues = new Map<string, { active: number; waiting: string[] }>();

  constructor(
    private readonly store: OrgStore,
    private readonly faults: Faults,
    private readonly stats: StatsRecorder,
    private readonly log: Logger,
    readonly options: DeliveryOptions,
    private readonly now: () => number,
  ) {}

  /**
   * Queues a delivery to every active webhook that matches. `filterData` may hold fields the
   * delivered `data` leaves out (e.g. `files` for `hasFiles`). Deliveries to one webhook keep order.
   */
  dispatch(resource: string, event: string, actorId: string, data: Json, filterData: Json = data): number {
    let n = 0;
    for (const w of this.store.webhooks.values()) {
      if (w.status !== 'active') continue;
      if (w.resource !== 'all' && w.resource !== resource) continue;
      if (w.event !== 'all' && w.event !== event) continue;
      if (!filterMatches(w.filter, filterData)) continue;
      const envelope: Json = { ...webhookJson(this.store, w), resource, event, actorId, data };
      delete envelope.secret;
      this.enqueue(w, JSON.stringify(envelope));
      n += 1;
    }
    return n;
  }

  /** Resolves when every queued delivery has finished (tests and playLive wait on this). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private enqueue(w: WebhookRec, body: string): void {
    this.pending += 1;
    let q = this.queues.get(w.id);
    if (!q) this.queues.set(w.id, (q = { active: 0, waiting: [] }));
    q.waiting.push(body);
    this.pump(w, q);
  }

  /** Starts queued deliveries up to the concurrency limit, oldest first. */
  private pump(w: WebhookRec, q: { active: number; waiting: string[] }): void {
    while (q.active < Math.max(1, this.options.concurrency) && q.waiting.length > 0) {
      const body = q.waiting.shift()!;
      q.active += 1;
      this.deliver(w, body)
        .catch((err: unknown) => this.log.error({ err }, 'webhook delivery crashed'))
        .finally(() => {
          q.active -= 1;
          this.pending -= 1;
          this.pump(w, q);
          if (this.pending === 0) for (const resolve of this.waiters.splice(0)) resolve();
        });
    }
  }

  private async deliver(w: WebhookRec, body: string): Promise<void> {
    if (w.status !== 'active' || !this.store.webhooks.has(w.id)) return;
    if (this.faults.dropWebhook()) {
      this.stats.webhook('dropped');
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'webex-simulator' };
    if (w.secret) headers['x-spark-signature'] = createHmac('sha1', w.secret).update(body, 'utf8').digest('hex');
    let ok = false;
    try {
      const res = await fetch(w.targetUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.options.timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      ok = res.status >= 200 && res.status < 300;
    } catch (err) {
      this.log.debug({ err, webhookId: w.id }, 'webhook delivery failed');
    }
    if (ok) {
      this.stats.webhook('delivered');
      return;
    }
    this.stats.webhook('failed');
    this.recordFailure(w);
  }

  private recordFailure(w: WebhookRec): void {
    // Deliveries already in flight when the webhook was disabled can still fail afterwards; they
    // must not disable it "again" (stats.disabled counts transitions) or start a new failure count.
    if (w.status !== 'active') return;
    const now = this.now();
    w.failures = w.failures.filter((t) => t > now - this.options.failureWindowMs);
    w.failures.push(now);
    const recentlyReactivated = w.reactivatedAt !== undefined && now - w.reactivatedAt < this.options.failureWindowMs;
    if (w.failures.length >= this.options.failureThreshold || recentlyReactivated) {
      w.status = 'inactive';
      w.failures = [];
      w.reactivatedAt = undefined;
      this.stats.webhook('disabled');
      this.log.info({ webhookId: w.id }, 'webhook disabled after failed deliveries');
    }
  }
}
