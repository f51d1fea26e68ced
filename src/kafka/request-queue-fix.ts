import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 keeps every broker connection in a timer loop while it has nothing to send: after
 * each response `scheduleCheckPendingRequests` arms `setTimeout(check, throttledUntil - now)`, and
 * with no throttle that delay is negative (1 ms), so each idle connection wakes the event loop
 * about a thousand times a second (tulios/kafkajs#1556, fix proposed in #1667 and not released).
 * Measured here: an idle `run convert` used 5.5% of a core, and seven processes with several
 * connections each took about a third of a core from the pipeline under load.
 *
 * The check is only needed while requests wait: `push` schedules it when it queues one, and every
 * response runs it. So an empty queue schedules nothing; a waiting one re-checks when the
 * client-side throttle ends, or after 10 ms when it is only waiting for an in-flight slot (what
 * kafkajs does already). Applied once, to the class kafkajs itself loads (same module instance).
 */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;

interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
}

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueLike & { scheduleCheckPendingRequests(): void; __wxaIdleFix?: true } };

export function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const untilThrottleEnds = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, untilThrottleEnds > 0 ? untilThrottleEnds : CHECK_PENDING_REQUESTS_INTERVAL);
}

if (!RequestQueue.prototype.__wxaIdleFix) {
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  RequestQueue.prototype.__wxaIdleFix = true;
}

export { RequestQueue };
