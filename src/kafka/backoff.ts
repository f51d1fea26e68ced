/**
 * Exponential backoff with full jitter (AWS architecture blog "Exponential Backoff And Jitter"),
 * never shorter than what the other side told us to wait.
 */
export function backoffMs(attempt: number, opts: { baseMs?: number; maxMs?: number; retryAfterSeconds?: number; random?: () => number } = {}): number {
  const base = opts.baseMs ?? 200;
  const max = opts.maxMs ?? 30_000;
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  const told = opts.retryAfterSeconds !== undefined ? opts.retryAfterSeconds * 1000 : 0;
  return Math.max(jittered, told);
}
