import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { DOVECOT_DIR, dovecotConf } from '../../infra/dovecot.js';
import { HOST, PORTS } from '../../infra/paths.js';
import { isAlive, isPortOpen, readPid, sleep, stopPid } from '../../infra/process.js';

/**
 * Dovecot's LMTP listener, which the local Postfix delivers through. A Dovecot started by
 * `infra up` from this version serves it; one started before LMTP was configured (shared, and
 * not ours to restart) does not, and then a second Dovecot instance serves LMTP alone on the same
 * mail store (Maildir allows concurrent writers), for as long as some test needs it.
 *
 * Test files run in parallel processes, so the second instance is shared: each caller registers
 * under a lock (an atomic mkdir), the first starts it, the last one out stops it.
 * Returns how to give it back (nothing to do when Dovecot itself serves LMTP).
 */
const LOCK = path.join(DOVECOT_DIR, 'lmtp-only.lock');
const USERS = path.join(DOVECOT_DIR, 'lmtp-only.users');
const RUN = path.join(DOVECOT_DIR, 'run-lmtp');
const PID_FILE = path.join(RUN, 'master.pid');

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try { mkdirSync(LOCK); break; } catch {
      // A holder that died leaves the lock behind; none holds it longer than a Dovecot start.
      try { if (Date.now() - statSync(LOCK).mtimeMs > 60_000) rmSync(LOCK, { recursive: true, force: true }); } catch { /* gone */ }
      await sleep(50);
    }
  }
  try { return await fn(); } finally { rmSync(LOCK, { recursive: true, force: true }); }
}

function ourInstance(): number | undefined {
  const pid = readPid(PID_FILE);
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

export async function ensureDovecotLmtp(): Promise<() => Promise<void>> {
  const me = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const needed = await withLock(async () => {
    if (ourInstance() === undefined && (await isPortOpen(HOST, PORTS.dovecotLmtp))) return false; // Dovecot itself serves LMTP
    mkdirSync(USERS, { recursive: true });
    // Users whose process died (a killed test run) do not hold the instance.
    for (const u of readdirSync(USERS)) if (!isAlive(Number(u.split('-')[0]))) rmSync(path.join(USERS, u), { force: true });
    writeFileSync(path.join(USERS, me), '');
    if (ourInstance() === undefined) await startLmtpOnly();
    return true;
  });
  if (!needed) return async () => undefined;
  return () => withLock(async () => {
    rmSync(path.join(USERS, me), { force: true });
    const left = existsSync(USERS) ? readdirSync(USERS).filter((u) => isAlive(Number(u.split('-')[0]))) : [];
    const pid = ourInstance();
    if (left.length === 0 && pid !== undefined) {
      await stopPid(pid);
      // The master's children (auth, anvil, log, stats) can outlive it holding their listeners;
      // they share its process group (the daemonized master leads it).
      try { process.kill(-pid, 'SIGTERM'); } catch { /* none left */ }
      rmSync(RUN, { recursive: true, force: true });
    }
  });
}

async function startLmtpOnly(): Promise<void> {
  const conf = path.join(DOVECOT_DIR, 'dovecot-lmtp.conf');
  writeFileSync(conf, dovecotConf({ lmtpOnly: true }));
  const log = path.join(DOVECOT_DIR, 'dovecot-lmtp.log');
  writeFileSync(log, '', { flag: 'a' });
  for (const d of [RUN, path.join(DOVECOT_DIR, 'state-lmtp')]) mkdirSync(d, { recursive: true });
  const root = process.getuid?.() === 0;
  if (root) {
    const uid = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).stdout.trim());
    for (const p of [conf, log, RUN, path.join(DOVECOT_DIR, 'state-lmtp')]) chownSync(p, uid, gid);
  }
  rmSync(PID_FILE, { force: true });
  const [cmd, args] = root ? ['runuser', ['-u', 'nobody', '--', 'dovecot', '-c', conf]] : ['dovecot', ['-c', conf]];
  // stdio ignored: Dovecot daemonizes, and its master would hold captured pipes open for ever.
  const r = spawnSync(cmd as string, args as string[], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`dovecot (LMTP only) did not start (exit ${r.status}); see ${log}`);
  for (let i = 0; i < 200 && !(ourInstance() !== undefined && (await isPortOpen(HOST, PORTS.dovecotLmtp))); i++) await sleep(50);
  if (ourInstance() === undefined) throw new Error(`dovecot (LMTP only): no master.pid; see ${log}`);
}
