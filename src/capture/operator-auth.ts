import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Bearer-token check for operator endpoints (dashboard, status log, replay). Compares hashes in
 * constant time so neither the token nor its length leaks through timing. An unauthenticated
 * request gets 401 and learns nothing else.
 */
export function operatorAuth(token: string) {
  const expected = createHash('sha256').update(token).digest();
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization ?? '';
    const cookie = /(?:^|;\s*)wxa_operator=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const presented = header.startsWith('Bearer ') ? header.slice(7) : cookie ? decodeURIComponent(cookie) : '';
    const ok = presented !== '' && timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
    if (!ok) {
      await reply.code(401).header('WWW-Authenticate', 'Bearer realm="webex-archiver"').send({ error: 'unauthorized' });
    }
  };
}
