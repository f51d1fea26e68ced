import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimContext } from './context.js';
import { newTrackingId, sendError, sendTooManyRequests } from './http-errors.js';
import { registerContentRoutes } from './routes-contents.js';
import { registerDirectoryRoutes } from './routes-directory.js';
import { registerEventRoutes } from './routes-events.js';
import { registerMeetingRoutes } from './routes-meetings.js';
import { registerMessageRoutes } from './routes-messages.js';
import { registerWebhookRoutes } from './routes-webhooks.js';

/**
 * The fastify app: every /v1 request passes, in order, the slow-response delay, bearer-token check
 * (401), throttling (429 storm or rate limit) and 5xx bursts before reaching its route. Control
 * routes under /_simulator (registered by the caller) skip all of that.
 */
export function buildSimulatorApp(ctx: SimContext): FastifyInstance {
  // forceCloseConnections: close() must not wait out keep-alive (72 s) for a client that lingers.
  const app = Fastify({ logger: false, exposeHeadRoutes: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });

  // Clients may send `Content-Type: application/json` with an empty body (e.g. on DELETE).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('Request body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    ctx.stats.started(ctx.now());
    reply.header('trackingid', newTrackingId());
    if (!req.url.startsWith('/v1/')) return;
    const delay = ctx.faults.delayMs;
    if (delay > 0) await sleep(delay);
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S.*)$/i.exec(auth);
    const token = m?.[1]?.trim() ?? '';
    if (token === '' || !ctx.acceptToken(token)) {
      return sendError(reply, 401, 'The request requires a valid access token set in the Authorization request header.');
    }
    const retryAfter = ctx.faults.throttle(token, req.url, ctx.now());
    if (retryAfter !== undefined) return sendTooManyRequests(reply, retryAfter);
    // Webex's text for 403 (developer.webex.com/docs/basics, status codes).
    if (ctx.faults.forbidden(req.url)) return sendError(reply, 403, 'The request is understood, but it has been refused or access is not allowed.');
    const status = ctx.faults.serverError(req.url);
    if (status !== undefined) return sendError(reply, status, 'Service temporarily unavailable (simulated)');
  });

  app.addHook('onResponse', async (req, reply) => {
    ctx.stats.finished(`${req.method} ${req.routeOptions.url ?? '(unmatched)'}`, reply.statusCode);
  });

  app.setNotFoundHandler((req, reply) => sendError(reply, 404, `No route for ${req.method} ${req.url.split('?')[0]}`));
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) ctx.log.error({ err }, 'simulator route failed');
    return sendError(reply, status, err.message);
  });

  registerMessageRoutes(app, ctx);
  registerDirectoryRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerContentRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerMeetingRoutes(app, ctx);
  return app;
}
