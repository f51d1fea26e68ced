import type { WebexObserver as ClientObserver } from '../webex/http.js';
import type { WebexObserver as MetricsObserver } from '../ops/metrics.js';

/** The API collection of a request path (`/v1/messages/abc` → `messages`): a small label set for metrics. */
export function resourceOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  const i = parts[0] === 'v1' ? 1 : 0;
  return parts[i] ?? 'unknown';
}

/** Feeds the Webex client's hooks into the /metrics counters. */
export function webexMetricsObserver(m: MetricsObserver): ClientObserver {
  return {
    // Counted when a try ends, not when it starts: that is when the HTTP status is known (it used
    // to be counted at the start with status 0 for every request). A try without an answer is
    // labelled with why ("timeout" or "network").
    onResponse: (info) => m.onRequest(resourceOf(info.path), info.status ?? info.failure ?? 'network'),
    onRetry: (reason, info) => m.onRetry(resourceOf(info.path), reason),
    onRateLimited: (seconds, info) => m.onRateLimited(resourceOf(info.path), seconds),
  };
}
