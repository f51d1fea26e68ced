import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.js';
import { sendError } from './http-errors.js';
import { transcriptTxt, transcriptVtt } from './meeting-store.js';
import { meetingJson, participantJson, transcriptJson } from './meeting-views.js';
import { sendList, timeKey } from './paging.js';
import type { MeetingRec, TranscriptRec } from './store-types.js';

/**
 * The Meetings API a compliance archiver reads (docs/webex-api.md, "Meetings"): a meeting
 * instance, its participants (meetingId required; `max` up to 100, default 10), its transcripts
 * (by meetingId or a time range; same paging) and a transcript's download as txt or vtt.
 */
export function registerMeetingRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { store } = ctx;

  app.get('/v1/meetings/:id', (req, reply) => {
    const m = store.meetingById((req.params as { id: string }).id);
    return m ? reply.send(meetingJson(store, m)) : sendError(reply, 404, 'Meeting not found');
  });

  app.get('/v1/meetingParticipants', (req, reply) => {
    const q = req.query as Record<string, string>;
    if (!q.meetingId) return sendError(reply, 400, 'meetingId is required');
    const m = store.meetingById(q.meetingId);
    if (!m) return sendError(reply, 404, 'Meeting not found');
    return sendList<number>(req, reply, ctx.baseUrl(), ctx.faults.paging, {
      path: '/meetingParticipants', items: m.participants.map((_, i) => i), keyOf: (i) => String(i).padStart(6, '0'), dir: 'asc', defaultMax: 10, capMax: 100,
      toJson: (i) => participantJson(store, m, i),
    });
  });

  app.get('/v1/meetingTranscripts', (req, reply) => {
    const q = req.query as Record<string, string>;
    const from = q.from ? Date.parse(q.from) : undefined;
    const to = q.to ? Date.parse(q.to) : undefined;
    if (Number.isNaN(from) || Number.isNaN(to)) return sendError(reply, 400, 'from and to must be ISO-8601 times');
    const now = new Date(ctx.now()).toISOString();
    const items: { m: MeetingRec; t: TranscriptRec; seq: number }[] = [];
    let seq = 0;
    for (const m of store.meetings.values()) {
      for (const t of m.transcripts) {
        seq++;
        if (q.meetingId && m.id !== q.meetingId) continue;
        // Listed once it exists; from/to select by the meeting's start.
        if (t.at > now) continue;
        if (from !== undefined && Date.parse(m.start) < from) continue;
        if (to !== undefined && Date.parse(m.start) >= to) continue;
        items.push({ m, t, seq });
      }
    }
    items.sort((a, b) => (a.m.start < b.m.start ? 1 : a.m.start > b.m.start ? -1 : b.seq - a.seq));
    return sendList(req, reply, ctx.baseUrl(), ctx.faults.paging, {
      path: '/meetingTranscripts', items, keyOf: (x) => timeKey(x.m.start, x.seq), dir: 'desc', defaultMax: 10, capMax: 100,
      toJson: (x) => transcriptJson(store, ctx.baseUrl(), x.m, x.t),
    });
  });

  app.get('/v1/meetingTranscripts/:id/download', (req, reply) => {
    const id = (req.params as { id: string }).id;
    const format = (req.query as Record<string, string>).format ?? 'vtt';
    if (format !== 'vtt' && format !== 'txt') return sendError(reply, 400, 'format must be vtt or txt');
    for (const m of store.meetings.values()) {
      const t = m.transcripts.find((x) => x.id === id);
      if (!t) continue;
      if (t.status !== 'available') return sendError(reply, 404, 'Transcript not found');
      const body = format === 'vtt' ? transcriptVtt(store, t) : transcriptTxt(store, t);
      return reply
        .header('content-type', format === 'vtt' ? 'text/vtt' : 'text/plain; charset=UTF-8')
        .header('content-disposition', `attachment; filename="${m.seriesHex}.${format}"`)
        .send(body);
    }
    return sendError(reply, 404, 'Transcript not found');
  });
}
