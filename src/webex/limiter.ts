import { ArchiverError } from '../errors.js';

/**
 * At most `max` Webex requests in flight, the rest wait in arrival order (FIFO). Webex limits are
 * per user and shared by every process with that token (docs/webex-api.md §3), so each client keeps its
 * own share small and fair rather than racing itself.
 */
export interface Limiter {
  /** Waits for a slot; the returned function gives it back (idempotent). */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Runs `fn` inside a slot. */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly inFlight: number;
  readonly queued: number;
}

interface Waiter {
  grant: (release: () => void) => void;
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new ArchiverError('CONFIG', `Webex limiter: max in flight must be an integer >= 1, got ${max}`);
  let inFlight = 0;
  const queue: Waiter[] = [];

  const makeRelease = (): (() => void) => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      // Hand the slot straight to the oldest waiter so a newcomer cannot jump the queue.
      const next = queue.shift();
      if (next) next.grant(makeRelease());
      else inFlight -= 1;
    };
  };

  const acquire = (signal?: AbortSignal): Promise<() => void> => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (inFlight < max && queue.length === 0) {
      inFlight += 1;
      return Promise.resolve(makeRelease());
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  return {
    acquire,
    async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      const release = await acquire(signal);
      try {
        return await fn();
      } finally {
        release();
      }
    },
    get inFlight() {
      return inFlight;
    },
    get queued() {
      return queue.length;
    },
  };
}
