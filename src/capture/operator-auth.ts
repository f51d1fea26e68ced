import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log.js';
import type { OperatorSessions } from '../ops/operator-sessions.js';
import { sessionIdFrom } from '../ops/session-cookie.js';
import { createSignInLimiter, type SignInLimiter } from '../ops/sign-in-limiter.js';

/**
 * The one operator-token check, for every operator endpoint (dashboard, status log, replay,
 * /metrics when not public) and the sign-in form. A request is let in by `Authorization: Bearer
 * <token>` or by a live session cookie; anything else, a malformed cookie or header included, is
 * 401 and learns nothing else. Tokens are compared as SHA-256 digests in constant time, so neither
 * the token nor its length leaks through timing. Failed attempts (a wrong Bearer token or a wrong
 * token in the form) are counted per client address and logged with the address and the way in,
 * never with what was presented; past the limit the address gets 429 without any comparison.
 */
export type TokenCheck = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface OperatorGate {
  /** preHandler for operator-only routes. */
  require(req: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** The sign-in form's check of a presented token. retryAfterSeconds 0: plainly wrong. */
  checkToken(req: FastifyRequest, presented: unknown): TokenCheck;
}

export function tokenMatches(presented: unknown, token: string): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

export function operatorGate(opts: { token: string; sessions?: OperatorSessions; limiter?: SignInLimiter; logger?: Logger }): OperatorGate {
  const limiter = opts.limiter ?? createSignInLimiter();
  const log = opts.logger?.child({ component: 'operator-auth' });

  const check = (req: FastifyRequest, presented: unknown, via: 'bearer' | 'form'): TokenCheck => {
    const wait = limiter.retryAfterSeconds(req.ip);
    if (wait > 0) {
      log?.warn({ ip: req.ip, via, retryAfterSeconds: wait }, 'operator sign-in refused: too many failures from this address');
      return { ok: false, retryAfterSeconds: wait };
    }
    if (tokenMatches(presented, opts.token)) { limiter.succeed(req.ip); return { ok: true }; }
    // Nothing presented is no guess: refused, not counted.
    if (typeof presented !== 'string' || presented === '') return { ok: false, retryAfterSeconds: 0 };
    const failures = limiter.fail(req.ip);
    log?.warn({ ip: req.ip, via, failures }, 'operator sign-in refused: wrong token');
    return { ok: false, retryAfterSeconds: 0 };
  };

  return {
    async require(req, reply) {
      const header = req.headers.authorization;
      if (typeof header === 'string' && /^Bearer /i.test(header)) {
        const result = check(req, header.slice(7).trim(), 'bearer');
        if (result.ok) return;
        if (result.retryAfterSeconds > 0) {
          await reply.code(429).header('Retry-After', String(result.retryAfterSeconds)).send({ error: 'too many failed attempts' });
          return;
        }
      } else {
        const id = sessionIdFrom(req.headers.cookie);
        if (id !== undefined && opts.sessions?.isLive(id, opts.token)) return;
      }
      await reply.code(401).header('WWW-Authenticate', 'Bearer realm="webex-archiver"').send({ error: 'unauthorized' });
    },
    checkToken: (req, presented) => check(req, presented, 'form'),
  };
}
