import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { LOG_DIR, RUN_DIR } from './paths.js';

/**
 * Starting and stopping the local servers as detached processes. Each server we start gets a
 * pid file in .run/<name>/pid; `infra down` stops exactly those pids and nothing else, so a
 * server someone else started on the same port is left alone.
 */
export function pidFile(name: string): string {
  return path.join(RUN_DIR, name, 'pid');
}

export function logFile(name: string): string {
  return path.join(LOG_DIR, `${name}.log`);
}

export function spawnDetached(name: string, command: string, args: string[], opts: SpawnOptions = {}): number {
  mkdirSync(LOG_DIR, { recursive: true });
  mkdirSync(path.dirname(pidFile(name)), { recursive: true });
  const fd = openSync(logFile(name), 'a');
  const child = spawn(command, args, { ...opts, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  child.unref();
  writeFileSync(pidFile(name), String(child.pid));
  return child.pid;
}

export function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill 0; treat it as gone.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** SIGTERM (a controlled shutdown for Kafka), then SIGKILL after `graceMs`. */
export async function stopPid(pid: number, graceMs = 20_000): Promise<void> {
  if (!isAlive(pid)) return;
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  while (isAlive(pid)) await sleep(50);
}

export function clearPid(name: string): void {
  rmSync(pidFile(name), { force: true });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, isStillRunning?: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    if (isStillRunning && !isStillRunning()) throw new Error(`${what} exited during start-up`);
    await sleep(250);
  }
  throw new Error(`${what} was not ready after ${Math.round(timeoutMs / 1000)} s`);
}

/** Runs a command to completion (Maven, tar, apt-get), streaming its output to the log file. */
export function runToCompletion(name: string, command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  mkdirSync(LOG_DIR, { recursive: true });
  const fd = openSync(logFile(name), 'a');
  try {
    const r = spawnSync(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', fd, fd] });
    if (r.error) throw new Error(`${command} could not run: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${command} ${args.slice(0, 3).join(' ')}… failed with exit code ${r.status}; see ${logFile(name)}`);
  } finally {
    closeSync(fd);
  }
}

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Installs a Debian package with apt-get (as root, on first use), its output in `<name>-apt`'s log. */
export function aptInstall(name: string, ...pkgs: string[]): void {
  runToCompletion(`${name}-apt`, 'apt-get', ['update', '-qq']);
  runToCompletion(`${name}-apt`, 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
