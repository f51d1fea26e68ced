import type { Outcome } from '../src/kafka/records.js';
import { percentile } from './stats.js';

/**
 * Live load for capture latency: messages posted through the simulator's REST API at a steady
 * rate (each becomes a signed webhook to the receiver); latency = the import outcome's time minus
 * the message's Webex `created`, for the first mailbox copy of each message.
 */
export async function offerLiveLoad(baseUrl: string, roomIds: string[], perSecond: number, seconds: number): Promise<Map<string, string>> {
  const created = new Map<string, string>();
  const total = Math.max(1, Math.round(perSecond * seconds));
  const t0 = Date.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const res = await fetch(`${baseUrl}/messages`, {
      method: 'POST', headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
      body: JSON.stringify({ roomId: roomIds[i % roomIds.length], text: `live message ${i}` }),
    });
    const m = (await res.json()) as { id: string; created: string };
    created.set(m.id, m.created);
  }
  return created;
}

export function latencyPercentiles(outcomes: Outcome[], created: Map<string, string>): { count: number; p50: number; p95: number; p99: number } {
  const first = new Map<string, number>();
  for (const o of outcomes) {
    if ((o.kind !== 'imported' && o.kind !== 'partial') || !created.has(o.webexMessageId)) continue;
    const ms = Date.parse(o.at) - Date.parse(created.get(o.webexMessageId)!);
    first.set(o.webexMessageId, Math.min(first.get(o.webexMessageId) ?? Infinity, ms));
  }
  const sorted = [...first.values()].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}
