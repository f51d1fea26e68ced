import type { Clock } from './clock.js';

/**
 * A client-wide pause after a 429. Webex rate limits are per user (docs/webex-api.md §3), so when one
 * request is told to wait, every request with the same token waits too; otherwise the other
 * in-flight callers would each collect their own 429 and prolong the throttling.
 */
export interface PauseGate {
  /** Nobody passes before `now + ms` (a longer earlier pause is kept). */
  pauseFor(ms: number): void;
  /** Resolves once no pause is in force. */
  wait(signal?: AbortSignal): Promise<void>;
  readonly pausedUntil: number;
}

export function createPauseGate(clock: Clock): PauseGate {
  let until = 0;
  return {
    pauseFor(ms) {
      until = Math.max(until, clock.now() + ms);
    },
    async wait(signal) {
      // Loop: a new 429 may extend the pause while we sleep.
      for (let left = until - clock.now(); left > 0; left = until - clock.now()) await clock.sleep(left, signal);
    },
    get pausedUntil() {
      return until;
    },
  };
}
