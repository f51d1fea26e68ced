import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time as the client sees it: injected so tests can run Retry-After waits and token expiry on a
 * virtual clock (shared with the simulator's `now`) instead of real minutes.
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    if (ms <= 0) return;
    await delay(ms, undefined, signal ? { signal } : undefined);
  },
};
