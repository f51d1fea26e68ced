/**
 * Notices a consumer that is alive but no longer does anything. kafkajs can end up, after broker
 * restarts and member crashes, with a process that is connected, out of its group and never asks
 * to join again, emitting nothing: the fault soak found every processor of a run in that state
 * (groups Empty, lag frozen), and a restart rejoined at once. A running consumer fetches every
 * maxWait (500 ms) and heartbeats every few seconds, also while a long record is retried in
 * place, so silence for `staleMs` means it is stuck; the runner then reports it failed and `run`
 * exits non-zero, for its orchestrator to start it again (safe: at-least-once plus idempotent effects).
 */
export function startProgressWatchdog(opts: { staleMs: number; checkEveryMs?: number; now?: () => number; onStale: (silentMs: number) => void }) {
  const now = opts.now ?? Date.now;
  let last = now();
  let fired = false;
  const check = () => {
    const silent = now() - last;
    if (!fired && silent >= opts.staleMs) {
      fired = true;
      opts.onStale(silent);
    }
  };
  const timer = setInterval(check, opts.checkEveryMs ?? Math.min(10_000, opts.staleMs / 4));
  timer.unref();
  return {
    /** Call on every sign of life (fetch, heartbeat, group join). */
    alive(): void { last = now(); },
    check,
    stop(): void { clearInterval(timer); },
  };
}
