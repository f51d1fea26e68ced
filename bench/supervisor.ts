import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { onShutdown } from '../src/cli/lifecycle.js';
import { spawnCli, type CliProcess } from './spawn-cli.js';

/**
 * Keeps the bench's and the soak's processes running the way an orchestrator (systemd, Kubernetes) would: each
 * role is one child process; one that dies, whether we SIGKILLed it or it gave up on its own, is
 * started again after a short pause. It also reads each child's peak RSS (VmHWM) from /proc
 * before it goes, so the report can show memory per process across restarts.
 */
export interface SupervisedRole { name: string; args: string[] }

export interface RoleStats {
  name: string; starts: number; kills: number; unexpectedExits: number; peakRssMb: number; cpuSeconds: number; lastOutput: string;
  /** Resident set size (MB) of the current process, once a second since it started. */
  rssSeries: number[];
}

export function startSupervisor(roles: readonly SupervisedRole[], env: Record<string, string>, log: (line: string) => void) {
  const stats = new Map<string, RoleStats>(roles.map((r) => [r.name, { name: r.name, starts: 0, kills: 0, unexpectedExits: 0, peakRssMb: 0, cpuSeconds: 0, lastOutput: '', rssSeries: [] }]));
  const live = new Map<string, CliProcess>();
  const killing = new Set<string>();
  let stopping = false;
  const memTimer = setInterval(() => {
    for (const [name, p] of live) {
      notePeak(name, p);
      const rss = procStatusMb(p.child.pid, 'VmRSS');
      if (rss > 0) stats.get(name)!.rssSeries.push(rss);
    }
  }, 1000);
  memTimer.unref();

  // CPU seconds of processes that already ended, per role, plus the live one's so far.
  const cpuBefore = new Map<string, number>(roles.map((r) => [r.name, 0]));
  function notePeak(name: string, p: CliProcess): void {
    const s = stats.get(name)!;
    s.peakRssMb = Math.max(s.peakRssMb, peakRssMb(p.child.pid));
    const cpu = cpuSeconds(p.child.pid);
    if (cpu > 0) s.cpuSeconds = cpuBefore.get(name)! + cpu;
  }

  function start(role: SupervisedRole): void {
    const p = spawnCli(role.args, env);
    live.set(role.name, p);
    const s = stats.get(role.name)!;
    s.starts++;
    s.rssSeries = [];
    void p.exited.then(async (code) => {
      cpuBefore.set(role.name, s.cpuSeconds);
      s.lastOutput = p.output().slice(-4000);
      if (live.get(role.name) === p) live.delete(role.name);
      if (stopping) return;
      if (!killing.delete(role.name)) {
        s.unexpectedExits++;
        log(`  ${role.name} exited by itself (code ${code}); restarting it`);
      }
      await sleep(300 + Math.random() * 1200);
      if (!stopping) start(role);
    });
  }

  for (const r of roles) start(r);

  const supervisor = {
    stats,
    /** SIGKILL one role's process; the supervisor starts it again. */
    async kill(name: string): Promise<void> {
      const p = live.get(name);
      if (!p) return;
      notePeak(name, p);
      killing.add(name);
      stats.get(name)!.kills++;
      p.child.kill('SIGKILL');
      await p.exited;
    },
    running: () => [...live.keys()],
    /** The pid of each role's current process. */
    pids: () => new Map([...live].flatMap(([name, p]) => (p.child.pid === undefined ? [] : [[name, p.child.pid] as const]))),
    /** Resolves once every role's current process has said it is running (the CLI's `running:` line). */
    async ready(timeoutMs = 60_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!roles.every((r) => live.get(r.name)?.output().includes('running:'))) {
        if (Date.now() > deadline) throw new Error(`not running after ${timeoutMs / 1000} s: ${roles.filter((r) => !live.get(r.name)?.output().includes('running:')).map((r) => r.name).join(', ')}`);
        await sleep(100);
      }
    },
    /** Reads every live process's peak RSS and CPU now (call before stop for final figures). */
    sample(): void { for (const [name, p] of live) notePeak(name, p); },
    /** CPU seconds per role so far: a baseline, so a phase's CPU excludes start-up. */
    cpuNow(): Map<string, number> { this.sample(); return new Map([...stats].map(([k, v]) => [k, v.cpuSeconds])); },
    async stop(): Promise<void> {
      stopping = true;
      clearInterval(memTimer);
      for (const [name, p] of live) notePeak(name, p);
      const all = [...live.values()];
      for (const p of all) p.child.kill('SIGTERM');
      const timeout = sleep(15_000).then(() => { for (const p of all) p.child.kill('SIGKILL'); });
      await Promise.race([Promise.all(all.map((p) => p.exited)), timeout]);
      await Promise.all(all.map((p) => p.exited));
    },
  };
  // Ctrl-C on the bench or the soak stops these too: they would otherwise go on consuming, orphaned.
  onShutdown('supervised processes', () => supervisor.stop());
  return supervisor;
}

/** Peak resident set size of a process (VmHWM), in MB; 0 once it is gone. */
export function peakRssMb(pid: number | undefined): number {
  return procStatusMb(pid, 'VmHWM');
}

/** Resident set size of a process now (VmRSS), in MB; 0 once it is gone. */
export function rssMb(pid: number | undefined): number {
  return procStatusMb(pid, 'VmRSS');
}

/**
 * Linux: writing 5 to clear_refs resets VmHWM to the current RSS (proc(5)), so the peak read
 * afterwards is what came after. False where that is not possible (not Linux, not permitted).
 */
export function resetPeakRss(pid: number | 'self'): boolean {
  try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); return true; } catch { return false; }
}

function procStatusMb(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number {
  if (pid === undefined) return 0;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Growth of a memory series: the mean of its last quarter minus the mean of its second quarter
 * (the first quarter is start-up and warm-up). Near 0 means flat.
 */
export function growthMb(series: readonly number[]): number {
  const q = Math.floor(series.length / 4);
  if (q === 0) return 0;
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return mean(series.slice(3 * q)) - mean(series.slice(q, 2 * q));
}

/** User + system CPU seconds of a live process (proc(5) stat fields 14 and 15, in clock ticks of 1/100 s). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
