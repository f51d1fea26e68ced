import { createHash, randomBytes } from 'node:crypto';

/**
 * Server-side operator sessions. Signing in with the operator token opens one: a random id
 * (256 bits, base64url) that is all the browser's cookie carries, so the token itself never sits
 * in a cookie jar, a proxy log or a stolen browser profile. A session ends when it expires, at
 * sign-out, or when the operator token rotates: each session remembers a digest of the token it
 * was opened with and only that token keeps it alive. Sessions live in this process's memory, so
 * a restart (which is how a new WXA_OPERATOR_TOKEN is read) also ends them; with several receiver
 * replicas behind a balancer a session is known only to the one that opened it (see
 * docs/operations.md).
 */
export interface OperatorSessions {
  /** A new session for a caller who presented `token` (already checked by the caller). */
  open(token: string): { id: string; maxAgeSeconds: number };
  /** Whether `id` is a live session opened with the current `token`. */
  isLive(id: string, token: string): boolean;
  revoke(id: string): void;
  size(): number;
}

export const SESSION_TTL_MS = 12 * 3600 * 1000;
/** 32 random bytes in base64url: exactly this shape, or it is no session id of ours. */
export const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const digest = (s: string) => createHash('sha256').update(s).digest('hex');

export function createOperatorSessions(opts: { ttlMs?: number; max?: number; now?: () => number } = {}): OperatorSessions {
  const ttlMs = opts.ttlMs ?? SESSION_TTL_MS;
  // Only a caller holding the token can open one, so this bound is against leaks, not attacks.
  const max = opts.max ?? 1000;
  const now = opts.now ?? Date.now;
  // Keyed by a digest of the id, so the map's own lookups take no time that depends on the id.
  const live = new Map<string, { expiresAt: number; token: string }>();
  const prune = () => {
    const t = now();
    for (const [k, s] of live) if (s.expiresAt <= t) live.delete(k);
    // Oldest first (Map keeps insertion order).
    while (live.size >= max) live.delete(live.keys().next().value as string);
  };
  return {
    open(token) {
      prune();
      const id = randomBytes(32).toString('base64url');
      live.set(digest(id), { expiresAt: now() + ttlMs, token: digest(token) });
      return { id, maxAgeSeconds: Math.floor(ttlMs / 1000) };
    },
    isLive(id, token) {
      if (!SESSION_ID.test(id)) return false;
      const key = digest(id);
      const s = live.get(key);
      if (!s) return false;
      if (s.expiresAt <= now() || s.token !== digest(token)) { live.delete(key); return false; }
      return true;
    },
    revoke(id) { live.delete(digest(id)); },
    size: () => live.size,
  };
}
