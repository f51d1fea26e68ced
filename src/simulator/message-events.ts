import type { SimContext } from './context.js';
import { iso } from './store.js';
import type { MessageRec } from './store-types.js';
import { messageWebhookData } from './views.js';

/**
 * A message version just happened (POST, PUT, DELETE, or playLive): record its compliance event and
 * deliver `messages/<created|updated|deleted>` webhooks. The event time is now, as for anything
 * that happens while the simulator runs. Returns the number of webhook deliveries queued.
 */
export function announceMessageVersion(ctx: SimContext, m: MessageRec, version: number): number {
  const { store } = ctx;
  const v = m.versions[version]!;
  store.addMessageEvent(m, version, iso(ctx.now()), store.nextName(`live-event:${m.key}:${version}`));
  const data = messageWebhookData(store, m);
  const actorId = store.people.get(m.personKey)!.id;
  // `hasFiles` filters need to know about files even though data leaves them out.
  return ctx.webhooks.dispatch('messages', v.kind, actorId, data, { ...data, files: m.files.map((f) => f.contentId) });
}
