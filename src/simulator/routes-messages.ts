import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.js';
import { escapeHtml } from './escape-html.js';
import { MAX_EDITS } from './fixture-shapes.js';
import { sendError } from './http-errors.js';
import { encodeId, uuidFor } from './ids.js';
import { announceMessageVersion } from './message-events.js';
import { nextUrl, parseMax, setNextLink } from './paging.js';
import { ME_KEY, iso, messageState } from './store.js';
import type { MessageRec } from './store-types.js';
import { actionJson, messageJson } from './views.js';

/**
 * /messages as documented (docs/webex-api.md §1, Messages): newest first, `before` / `beforeMessage` /
 * `max` (default 50) / `parentId`; next links carry `beforeMessage=<id>` as the real service's do.
 * The caller is a Compliance Officer: deleted messages stay readable by id, but leave room listings.
 */
const MESSAGE_MAX_CAP = 1000; // the absolute cap is UNCONFIRMED; peers send 1000 (docs/webex-api.md §2)
const MENTIONED_MAX_CAP = 100;
const MAX_TEXT_BYTES = 7439;

interface MessageBody {
  roomId?: unknown;
  parentId?: unknown;
  toPersonId?: unknown;
  toPersonEmail?: unknown;
  text?: unknown;
  markdown?: unknown;
  files?: unknown;
  attachments?: unknown;
}

function visibleMessage(ctx: SimContext, id: string): MessageRec | undefined {
  const m = ctx.store.findById('message', id);
  return m && m.released > 0 ? m : undefined;
}

export function registerMessageRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { store } = ctx;

  app.get('/v1/messages', (req, reply) => {
    const q = req.query as Record<string, string>;
    if (!q.roomId) return sendError(reply, 400, 'roomId is required');
    const room = store.findById('room', q.roomId);
    if (!room) return sendError(reply, 404, 'Room not found');
    const max = parseMax(q.max, 50, q.mentionedPeople ? MENTIONED_MAX_CAP : MESSAGE_MAX_CAP);
    if (typeof max !== 'number') return sendError(reply, 400, max.error);
    let upper: MessageRec | undefined;
    if (q.beforeMessage) {
      upper = store.findById('message', q.beforeMessage);
      if (!upper || upper.roomKey !== room.key) return sendError(reply, 404, 'beforeMessage not found');
    }
    const before = q.before ? Date.parse(q.before) : undefined;
    if (before !== undefined && Number.isNaN(before)) return sendError(reply, 400, 'Invalid before');
    let parentKey: string | undefined;
    if (q.parentId) {
      const parent = store.findById('message', q.parentId);
      if (!parent) return sendError(reply, 404, 'parentId not found');
      parentKey = parent.key;
    }
    // Mentions are not simulated, so no message mentions anyone: `mentionedPeople` finds nothing.
    const list = q.mentionedPeople ? [] : store.roomMessages.get(room.key)!;
    const out: MessageRec[] = [];
    let more = false;
    // Walk newest first; the room list is kept oldest first.
    let i = list.length - 1;
    if (upper) i = list.indexOf(upper) - 1;
    for (; i >= 0; i--) {
      const m = list[i]!;
      if (m.released === 0 || messageState(m).deleted) continue;
      if (before !== undefined && Date.parse(m.created) >= before) continue;
      if (parentKey !== undefined && m.parentKey !== parentKey) continue;
      if (out.length === max) {
        more = true;
        break;
      }
      out.push(m);
    }
    if (more) setNextLink(reply, nextUrl(ctx.baseUrl(), '/messages', q, { beforeMessage: out[out.length - 1]!.id }, max, ctx.faults.paging));
    return reply.send({ items: out.map((m) => messageJson(store, ctx.baseUrl(), m)) });
  });

  // Attachment actions (card submissions) read by id, with their inputs (webex-api.md, Attachment actions).
  app.get('/v1/attachment/actions/:id', (req, reply) => {
    const found = store.submissionById((req.params as { id: string }).id);
    return found ? reply.send(actionJson(store, found.msg, found.index)) : sendError(reply, 404, 'Attachment action not found');
  });

  app.get('/v1/messages/:id', (req, reply) => {
    const m = visibleMessage(ctx, (req.params as { id: string }).id);
    if (!m || ctx.faults.restLag()) return sendError(reply, 404, 'Message not found');
    return reply.send(messageJson(store, ctx.baseUrl(), m));
  });

  app.post('/v1/messages', (req, reply) => {
    const b = (req.body ?? {}) as MessageBody;
    const text = typeof b.markdown === 'string' ? b.markdown : typeof b.text === 'string' ? b.text : undefined;
    if (text === undefined) return sendError(reply, 400, 'text or markdown is required');
    if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) return sendError(reply, 400, `Message text exceeds ${MAX_TEXT_BYTES} bytes`);
    if (b.files !== undefined || b.attachments !== undefined) return sendError(reply, 400, 'The simulator accepts text messages only');
    let room = typeof b.roomId === 'string' ? store.findById('room', b.roomId) : undefined;
    if (!room && (typeof b.toPersonId === 'string' || typeof b.toPersonEmail === 'string')) {
      return sendError(reply, 400, 'toPersonId/toPersonEmail are not supported by the simulator; use roomId');
    }
    if (!room) return sendError(reply, 404, 'Room not found');
    let parentKey: string | undefined;
    if (typeof b.parentId === 'string') {
      const parent = visibleMessage(ctx, b.parentId);
      if (!parent || parent.roomKey !== room.key) return sendError(reply, 400, 'Invalid parentId');
      parentKey = parent.key;
    }
    const key = store.nextName('posted');
    const uuid = uuidFor(`message:${key}`);
    const now = iso(ctx.now());
    const html = typeof b.markdown === 'string' ? `<p>${escapeHtml(text)}</p>` : undefined;
    const m = store.addMessage({ key, uuid, id: encodeId('MESSAGE', uuid), roomKey: room.key, personKey: ME_KEY, parentKey, created: now, versions: [{ kind: 'created', at: now, text, html }], released: 1, files: [], submissions: [], submitted: 0, seq: 0 });
    announceMessageVersion(ctx, m, 0);
    // The spec documents 200 for POST /messages.
    return reply.send(messageJson(store, ctx.baseUrl(), m));
  });

  app.put('/v1/messages/:id', (req, reply) => {
    const m = visibleMessage(ctx, (req.params as { id: string }).id);
    if (!m) return sendError(reply, 404, 'Message not found');
    const b = (req.body ?? {}) as MessageBody;
    const s = messageState(m);
    if (s.deleted) return sendError(reply, 404, 'Message not found');
    if (b.roomId !== store.rooms.get(m.roomKey)!.id) return sendError(reply, 400, 'roomId is required and must be the message\'s room');
    const text = typeof b.markdown === 'string' ? b.markdown : typeof b.text === 'string' ? b.text : undefined;
    if (text === undefined) return sendError(reply, 400, 'text or markdown is required');
    // PUT /messages returns 400 for messages with files or cards, and allows at most 10 edits (spec).
    if (m.files.length > 0) return sendError(reply, 400, 'Messages with files cannot be edited');
    if (s.edits >= MAX_EDITS) return sendError(reply, 400, `A message can be edited at most ${MAX_EDITS} times`);
    const html = typeof b.markdown === 'string' ? `<p>${escapeHtml(text)}</p>` : undefined;
    insertReleasedVersion(m, { kind: 'updated', at: iso(ctx.now()), text, html });
    announceMessageVersion(ctx, m, m.released - 1);
    return reply.send(messageJson(store, ctx.baseUrl(), m));
  });

  app.delete('/v1/messages/:id', (req, reply) => {
    const m = visibleMessage(ctx, (req.params as { id: string }).id);
    if (!m) return sendError(reply, 404, 'Message not found');
    // Deletes are soft: a second delete answers 410 (docs/webex-api.md §6).
    if (messageState(m).deleted) return sendError(reply, 410, 'Message already deleted');
    insertReleasedVersion(m, { kind: 'deleted', at: iso(ctx.now()), text: '', html: undefined });
    announceMessageVersion(ctx, m, m.released - 1);
    return reply.code(204).send();
  });
}

/** A version made through the API lands right after the released ones (held fixture versions follow it). */
function insertReleasedVersion(m: MessageRec, v: MessageRec['versions'][number]): void {
  m.versions.splice(m.released, 0, v);
  m.released += 1;
}
