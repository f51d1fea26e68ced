/**
 * Failed operator sign-ins per client address, in a sliding window: after `maxFailures` within
 * `windowMs` the address is refused (429 with Retry-After) without its token being compared at
 * all, so guessing costs a window per few tries. A success clears the address's count. Behind a
 * reverse proxy every client has the proxy's address unless WXA_RECEIVER_TRUST_PROXY names it
 * (then the client address comes from X-Forwarded-For).
 */
export interface SignInLimiter {
  /** 0 when `ip` may try now, else the seconds until it may. */
  retryAfterSeconds(ip: string): number;
  /** Counts a failure; returns the failures of `ip` in the window. */
  fail(ip: string): number;
  succeed(ip: string): void;
}

export function createSignInLimiter(opts: { maxFailures?: number; windowMs?: number; maxAddresses?: number; now?: () => number } = {}): SignInLimiter {
  const maxFailures = opts.maxFailures ?? 10;
  const windowMs = opts.windowMs ?? 10 * 60_000;
  const maxAddresses = opts.maxAddresses ?? 10_000;
  const now = opts.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const recent = (ip: string) => {
    const cutoff = now() - windowMs;
    const list = (failures.get(ip) ?? []).filter((t) => t > cutoff);
    if (list.length) failures.set(ip, list); else failures.delete(ip);
    return list;
  };
  return {
    retryAfterSeconds(ip) {
      const list = recent(ip);
      if (list.length < maxFailures) return 0;
      return Math.max(1, Math.ceil((list[list.length - maxFailures]! + windowMs - now()) / 1000));
    },
    fail(ip) {
      const list = recent(ip);
      list.push(now());
      failures.delete(ip);
      failures.set(ip, list);
      // Bounded memory: forget the address that failed longest ago.
      while (failures.size > maxAddresses) failures.delete(failures.keys().next().value as string);
      return list.length;
    },
    succeed(ip) { failures.delete(ip); },
  };
}
