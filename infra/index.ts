import { mkdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { azuriteServer } from './azurite.js';
import { dovecotServer } from './dovecot.js';
import { postfixServer } from './postfix.js';
import { kafkaServer } from './kafka.js';
import { prometheusServer } from './prometheus.js';
import { HOST, PORTS, RUN_DIR } from './paths.js';
import { clearPid, isAlive, isPortOpen, pidFile, readPid, sleep, stopPid, waitFor } from './process.js';
import { registryServer } from './registry.js';
import type { LocalServer } from './server.js';

/**
 * `infra up|down|status`: the real local servers every test and `npm start` use.
 * up is idempotent (a healthy server is reused, whoever started it); down stops only the
 * servers whose pid files we wrote, so it never kills someone else's process.
 */
export const SERVERS: readonly LocalServer[] = [kafkaServer, registryServer, azuriteServer, dovecotServer, postfixServer];
/** Started only when named (`--only prometheus`): what the tests and `npm start` need is above. */
export const OPTIONAL_SERVERS: readonly LocalServer[] = [prometheusServer];
export type ServerName = LocalServer['name'];

/** Every port each server listens on: after we stop a server, none of them may accept connections. */
export const SERVER_PORTS: Readonly<Record<ServerName, readonly number[]>> = {
  kafka: [PORTS.kafka, PORTS.kafkaController],
  registry: [PORTS.registry],
  azurite: [PORTS.azurite],
  dovecot: [PORTS.dovecot, PORTS.dovecotLmtp, PORTS.dovecotAuth],
  postfix: [PORTS.postfix, PORTS.postfixBusy, PORTS.postfixAuth],
  prometheus: [PORTS.prometheus],
};

/**
 * What is left of servers we stopped: each pid still alive and each port still accepting
 * connections, as readable lines ([] = nothing of ours is running). Ports get `graceMs` to close,
 * because a master process (Dovecot) can exit a moment before the children sharing its listener.
 */
export async function leftovers(stopped: readonly { name: string; pid: number | null; ports: readonly number[] }[], graceMs = 5000): Promise<string[]> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const found: string[] = [];
    for (const s of stopped) {
      if (s.pid !== null && isAlive(s.pid)) found.push(`${s.name}: pid ${s.pid} is still alive`);
      for (const port of s.ports) if (await isPortOpen(HOST, port, 500)) found.push(`${s.name}: something still listens on ${HOST}:${port}`);
    }
    if (found.length === 0 || Date.now() >= deadline) return found;
    await sleep(200);
  }
}

export interface ServerStatus {
  name: ServerName;
  endpoint: string;
  healthy: boolean;
  /** Pid from our pid file when that process is alive: we started it and `down` will stop it. */
  ownedPid: number | null;
}

/** The named servers, else the default set; `down` with no names also covers optional ones it started. */
function select(only?: readonly ServerName[], withOptional = false): LocalServer[] {
  if (only && only.length) return [...SERVERS, ...OPTIONAL_SERVERS].filter((s) => only.includes(s.name));
  return withOptional ? [...SERVERS, ...OPTIONAL_SERVERS] : [...SERVERS];
}

function ownedPid(server: LocalServer): number | null {
  const pid = readPid(pidFile(server.name));
  return pid !== undefined && isAlive(pid) ? pid : null;
}

export async function infraStatus(only?: readonly ServerName[]): Promise<ServerStatus[]> {
  return Promise.all(select(only).map(async (s) => ({ name: s.name, endpoint: s.endpoint, healthy: await s.healthy(), ownedPid: ownedPid(s) })));
}

/** Starts what is not already healthy. Returns the names this call started. */
export async function infraUp(opts: { only?: readonly ServerName[]; progress?: (line: string) => void } = {}): Promise<ServerName[]> {
  const progress = opts.progress ?? (() => undefined);
  return withLock(progress, async () => {
    const servers = select(opts.only);
    const toStart: LocalServer[] = [];
    for (const s of servers) {
      if (await s.healthy()) { progress(`${s.name}: already running at ${s.endpoint}`); continue; }
      const stale = ownedPid(s);
      if (stale !== null) { progress(`${s.name}: our process ${stale} is not healthy; restarting it`); await stopPid(stale); }
      toStart.push(s);
    }
    // Downloads first (sequential: Maven and apt share caches), then start all and wait in parallel.
    for (const s of toStart) await s.prepare(progress);
    const results = await Promise.allSettled(toStart.map(async (s) => {
      const pid = await s.start(progress);
      const t0 = Date.now();
      await waitFor(s.name, () => s.healthy(), s.startTimeoutMs, () => isAlive(pid));
      progress(`${s.name}: ready at ${s.endpoint} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return s.name;
    }));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      // One server could not start: stop the ones this call did start, so a failed start-up
      // leaves nothing of ours running (nobody would know to stop them).
      for (const s of toStart) {
        const pid = ownedPid(s);
        if (pid !== null) { progress(`${s.name}: stopping pid ${pid} (another server failed to start)`); await stopPid(pid); clearPid(s.name); await s.afterStop?.(); }
      }
      throw failed.reason;
    }
    return results.map((r) => (r as PromiseFulfilledResult<ServerName>).value);
  });
}

/**
 * Stops the servers we started (or only those named). Returns the names it stopped. Then checks
 * that none of their pids is alive and none of their ports answers, and throws naming what is
 * left, so "down" never reports success while a process of ours still runs.
 */
export async function infraDown(opts: { only?: readonly ServerName[]; progress?: (line: string) => void } = {}): Promise<ServerName[]> {
  const progress = opts.progress ?? (() => undefined);
  return withLock(progress, async () => {
    const stopped: { name: ServerName; pid: number; ports: readonly number[] }[] = [];
    await Promise.all(select(opts.only, true).map(async (s) => {
      const pid = ownedPid(s);
      if (pid === null) { clearPid(s.name); return; }
      progress(`${s.name}: stopping pid ${pid}`);
      await stopPid(pid);
      clearPid(s.name);
      await s.afterStop?.();
      stopped.push({ name: s.name, pid, ports: SERVER_PORTS[s.name] });
    }));
    const left = await leftovers(stopped);
    if (left.length) throw new Error(`infra down: still running after stopping: ${left.join('; ')}`);
    return stopped.map((s) => s.name);
  });
}

/**
 * A lock directory so that two `infra up` (say, two test runs) never start the same server twice.
 * A lock whose owner died is taken over.
 */
async function withLock<T>(progress: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const dir = path.join(RUN_DIR, 'infra.lock');
  mkdirSync(RUN_DIR, { recursive: true });
  let waitedSince = 0;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'owner'), String(process.pid));
      break;
    } catch {
      let owner = NaN;
      try { owner = Number(readFileSync(path.join(dir, 'owner'), 'utf8')); } catch { /* being written */ }
      const ageMs = (() => { try { return Date.now() - statSync(dir).mtimeMs; } catch { return 0; } })();
      if ((Number.isInteger(owner) && owner > 0 && !isAlive(owner)) || ageMs > 15 * 60_000) {
        forceUnlock(dir);
        continue;
      }
      if (!waitedSince) { waitedSince = Date.now(); progress('infra: another infra command is running; waiting'); }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    forceUnlock(dir);
  }
}

function forceUnlock(dir: string): void {
  try { writeFileSync(path.join(dir, 'owner'), ''); } catch { /* gone */ }
  try { rmSync(dir, { recursive: true, force: true }); } catch { /* gone */ }
}
