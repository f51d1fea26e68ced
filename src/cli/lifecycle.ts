/**
 * Graceful shutdown for long-running commands: the first SIGINT/SIGTERM runs the registered
 * stoppers in reverse order (consumers finish their batch and leave the group, producers flush);
 * a second signal, or stoppers that hang past the deadline, exit at once.
 */
const stoppers: { name: string; stop: () => Promise<unknown> }[] = [];
let installed = false;
let stopping: Promise<void> | undefined;

export function onShutdown(name: string, stop: () => Promise<unknown>): void {
  stoppers.push({ name, stop });
  if (installed) return;
  installed = true;
  let firstAt = 0;
  const handler = (signal: NodeJS.Signals) => {
    // npm and tsx both relay Ctrl-C, so one keypress can arrive twice within moments: only a
    // second signal a little later means "force".
    if (stopping && Date.now() - firstAt < 1500) return;
    if (stopping) { process.stderr.write(`${signal} again: exiting now\n`); process.exit(130); }
    firstAt = Date.now();
    process.stderr.write(`${signal}: stopping cleanly (again to force)\n`);
    void exitAfterShutdown(0);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

export function shutdown(deadlineMs = 30_000): Promise<void> {
  stopping ??= (async () => {
    const timer = setTimeout(() => { process.stderr.write('shutdown deadline passed: exiting\n'); process.exit(1); }, deadlineMs);
    timer.unref();
    for (const s of [...stoppers].reverse()) {
      try { await s.stop(); } catch (err) { process.stderr.write(`stopping ${s.name}: ${(err as Error).message}\n`); }
    }
    clearTimeout(timer);
  })();
  return stopping;
}

/**
 * Runs the stoppers, then exits with `code` explicitly: whatever a stopper left open (a client's
 * timer, a socket) must not keep a process alive that its orchestrator should see end.
 */
export async function exitAfterShutdown(code: number): Promise<never> {
  await shutdown();
  process.exit(code);
}

/** Resolves when the process is asked to stop; for commands that just run until then. */
export function untilShutdown(): Promise<void> {
  return new Promise((resolve) => onShutdown('wait', async () => resolve()));
}
