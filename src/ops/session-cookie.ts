import type { FastifyReply } from 'fastify';
import { SESSION_ID } from './operator-sessions.js';

/**
 * The `wxa_session` cookie: a session id (operator-sessions.ts), never the token. HttpOnly (page
 * scripts cannot read it), SameSite=Strict (another site cannot make the browser send it, which is
 * what protects POST /ops/replay from cross-site requests), Path=/, and Secure whenever the
 * browser reached us over HTTPS: directly, or through a proxy that WXA_RECEIVER_TRUST_PROXY trusts
 * to say so in X-Forwarded-Proto (src/capture/proxy-trust.ts decides). RFC 6265 §4.1.
 */
export const SESSION_COOKIE = 'wxa_session';

/** The session id the request carries, or undefined for no cookie or one of any other shape. */
export function sessionIdFrom(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    return SESSION_ID.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * Before sessions, the `wxa_operator` cookie held the operator token itself. It is no longer
 * accepted; every sign-in and sign-out also expires it, so the token leaves browsers that kept it.
 */
const LEGACY_COOKIE = 'wxa_operator';

const cookie = (name: string, value: string, maxAgeSeconds: number, https: boolean) =>
  `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${https ? '; Secure' : ''}`;

export function setSessionCookie(reply: FastifyReply, https: boolean, id: string, maxAgeSeconds: number): void {
  reply.header('Set-Cookie', [cookie(SESSION_COOKIE, id, maxAgeSeconds, https), cookie(LEGACY_COOKIE, '', 0, https)]);
}

export function clearSessionCookie(reply: FastifyReply, https: boolean): void {
  reply.header('Set-Cookie', [cookie(SESSION_COOKIE, '', 0, https), cookie(LEGACY_COOKIE, '', 0, https)]);
}
