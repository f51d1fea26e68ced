import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';

/**
 * Error answers in the documented shape `{message, errors:[{description}], trackingId}`
 * (docs/webex-api.md §0, captured from a real session). Every answer also carries a `TrackingID` header.
 */
export function newTrackingId(): string {
  return `ROUTER_${randomUUID().toUpperCase()}`;
}

export function errorBody(message: string, trackingId: string): { message: string; errors: { description: string }[]; trackingId: string } {
  return { message, errors: [{ description: message }], trackingId };
}

/** Sends a JSON error; returns the reply so handlers can `return sendError(...)`. */
export function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  const trackingId = (reply.getHeader('trackingid') as string | undefined) ?? newTrackingId();
  return reply.code(status).type('application/json').send(errorBody(message, trackingId));
}

/**
 * 429 as the docs show it: `Retry-After` in seconds and a text/html body, so clients must not assume
 * JSON (docs/webex-api.md §3).
 */
export function sendTooManyRequests(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(retryAfterSeconds))
    .type('text/html; charset=utf-8')
    .send('<html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1></body></html>\n');
}
