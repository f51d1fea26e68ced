import type { Reporter } from 'vitest/reporters';

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

/** Prints one plain closing line, "Tests: N passed, N failed", without colours, for CI logs and scripts. */
export default class SummaryReporter implements Reporter {
  onFinished(files: Task[] = [], errors: unknown[] = []): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    const walk = (t: Task) => {
      if (t.type === 'test') {
        const s = t.result?.state;
        if (s === 'pass') count.passed++;
        else if (s === 'fail') count.failed++;
        else count.skipped++;
      }
      t.tasks?.forEach(walk);
    };
    for (const f of files) {
      // A file that failed to load has no tests but is a failure.
      if (f.result?.state === 'fail' && !(f.tasks ?? []).length) count.failed++;
      walk(f);
    }
    count.failed += errors.length;
    process.stdout.write(`\nTests: ${count.passed} passed, ${count.failed} failed${count.skipped ? `, ${count.skipped} skipped` : ''}\n`);
  }
}
