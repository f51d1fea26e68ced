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
    onRequest: (info) => m.onRequest(resourceOf(info.path), 0),
    onRetry: (reason, info) => m.onRetry(resourceOf(info.path), reason),
    onRateLimited: (seconds, info) => m.onRateLimited(resourceOf(info.path), seconds),
  };
}
