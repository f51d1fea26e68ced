import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimContext } from './context.js';
import { sendError } from './http-errors.js';
import type { FileRec, MessageRec } from './store-types.js';

/**
 * GET and HEAD /contents/{id} (docs/webex-api.md §1, File contents): real bytes with Content-Disposition
 * (filename), Content-Type, Content-Length and `Cache-Control: no-cache`. Anti-malware states come
 * from faults: under scan → 423 + Retry-After, infected → 410, unscannable → 428 unless
 * `?allow=unscannable`. Only GETs count toward "the first N GETs are scanning".
 */
function findFile(ctx: SimContext, id: string): { msg: MessageRec; file: FileRec } | undefined {
  const found = ctx.store.files.get(id);
  return found && found.msg.released > 0 ? found : undefined;
}

/** RFC 6266: an ASCII fallback plus the UTF-8 name in `filename*` for non-ASCII names. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return ascii === name ? `attachment; filename="${name}"` : `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Passes bytes on at about `bytesPerSecond`, in slices of a tenth of a second. */
function throttle(bytesPerSecond: number): Transform {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 10));
  let sent = 0;
  return new Transform({
    async transform(chunk: Buffer, _enc, done) {
      for (let i = 0; i < chunk.length; i += slice) {
        if (sent > 0) await sleep(100);
        this.push(chunk.subarray(i, i + slice));
        sent += 1;
      }
      done();
    },
  });
}

export function registerContentRoutes(app: FastifyInstance, ctx: SimContext): void {
  const handle = (req: FastifyRequest, reply: FastifyReply, isGet: boolean): FastifyReply => {
    const id = (req.params as { id: string }).id;
    const found = findFile(ctx, id);
    if (!found) return sendError(reply, 404, 'Content not found');
    const { msg, file } = found;
    const state = ctx.faults.fileState(file.contentId, `${msg.key}#${file.index}`, isGet);
    if (state === 'infected') return sendError(reply, 410, 'The file is infected and cannot be downloaded');
    const allow = (req.query as Record<string, string>).allow === 'unscannable';
    // Cisco's documented text (docs/failure-answers.md, Webex): it names no reason a client could
    // match, so a client must decide by the status code.
    if (state === 'unscannable' && !allow) return sendError(reply, 428, 'File(s) cannot be scanned for malware and need to be force downloaded.');
    if (state !== undefined && state !== 'unscannable') {
      reply.header('retry-after', String(state.retryAfter ?? 1));
      return sendError(reply, 423, 'The file is being scanned for malware');
    }
    reply
      .code(200)
      .header('content-type', file.contentType)
      .header('content-length', String(file.bytes.size))
      .header('content-disposition', contentDisposition(file.name))
      .header('cache-control', 'no-cache');
    if (!isGet) return reply.send();
    const rate = ctx.faults.fileBytesPerSecond;
    return reply.send(rate > 0 ? file.bytes.open().pipe(throttle(rate)) : file.bytes.open());
  };

  app.get('/v1/contents/:id', (req, reply) => handle(req, reply, true));
  app.head('/v1/contents/:id', (req, reply) => handle(req, reply, false));
}
