import { setTimeout as sleep } from 'node:timers/promises';
import type { SimContext } from './context.js';
import { announceMessageVersion } from './message-events.js';
import type { MessageRec } from './store-types.js';

/**
 * Plays fixture messages as if they happened now: every version (created, each edit, deleted) in
 * time order becomes a compliance event stamped now plus webhook deliveries, so "everything arrives
 * through webhooks" flows can be tested. Held versions (started with `holdMessages`) become visible
 * to REST only as they are played; versions already visible are announced again, which a consumer
 * sees as redeliveries (new event ids, same message ids).
 */
export interface PlayLiveOptions {
  /** Only these message keys (default: all fixture messages). */
  messages?: string[];
  /** Pause between versions, in ms (default 0). */
  intervalMs?: number;
  /** Wait for every webhook delivery to finish before resolving (default true). */
  waitForDeliveries?: boolean;
}

export interface PlayLiveResult {
  versions: number;
  deliveries: number;
}

export async function playLive(ctx: SimContext, opts: PlayLiveOptions = {}): Promise<PlayLiveResult> {
  const wanted = opts.messages ? new Set(opts.messages) : undefined;
  const steps: { m: MessageRec; v: number; at: string }[] = [];
  for (const m of ctx.store.messages.values()) {
    if (wanted && !wanted.has(m.key)) continue;
    if (m.key.startsWith('posted:')) continue;
    m.versions.forEach((ver, v) => steps.push({ m, v, at: ver.at }));
  }
  steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.m.seq - b.m.seq || a.v - b.v));
  let deliveries = 0;
  for (const [i, { m, v }] of steps.entries()) {
    if (i > 0 && opts.intervalMs) await sleep(opts.intervalMs);
    if (m.released <= v) m.released = v + 1;
    deliveries += announceMessageVersion(ctx, m, v);
  }
  if (opts.waitForDeliveries !== false) await ctx.webhooks.idle();
  return { versions: steps.length, deliveries };
}
