import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DOVECOT_DIR, dovecotConf } from '../../infra/dovecot.js';
import { HOST, PORTS } from '../../infra/paths.js';
import { isPortOpen, readPid, sleep, stopPid } from '../../infra/process.js';

/**
 * Dovecot's LMTP listener, which the local Postfix delivers through. A Dovecot started by
 * `infra up` from this version serves it; one started before LMTP was configured (shared, and
 * not ours to restart) does not, and then a second Dovecot instance serves LMTP alone on the same
 * mail store (Maildir allows concurrent writers), for as long as the test needs it.
 * Returns how to stop what this call started (nothing when LMTP was already there).
 */
export async function ensureDovecotLmtp(): Promise<() => Promise<void>> {
  if (await isPortOpen(HOST, PORTS.dovecotLmtp)) return async () => undefined;
  const conf = path.join(DOVECOT_DIR, 'dovecot-lmtp.conf');
  writeFileSync(conf, dovecotConf({ lmtpOnly: true }));
  const log = path.join(DOVECOT_DIR, 'dovecot-lmtp.log');
  writeFileSync(log, '', { flag: 'a' });
  for (const d of ['run-lmtp', 'state-lmtp']) mkdirSync(path.join(DOVECOT_DIR, d), { recursive: true });
  const root = process.getuid?.() === 0;
  if (root) {
    const uid = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).stdout.trim());
    for (const p of [conf, log, path.join(DOVECOT_DIR, 'run-lmtp'), path.join(DOVECOT_DIR, 'state-lmtp')]) chownSync(p, uid, gid);
  }
  const [cmd, args] = root ? ['runuser', ['-u', 'nobody', '--', 'dovecot', '-c', conf]] : ['dovecot', ['-c', conf]];
  // stdio ignored: Dovecot daemonizes, and its master would hold captured pipes open for ever.
  const r = spawnSync(cmd as string, args as string[], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`dovecot (LMTP only) did not start (exit ${r.status}); see ${log}`);
  const pidFile = path.join(DOVECOT_DIR, 'run-lmtp', 'master.pid');
  for (let i = 0; i < 200 && !(existsSync(pidFile) && (await isPortOpen(HOST, PORTS.dovecotLmtp))); i++) await sleep(50);
  const pid = readPid(pidFile);
  if (!pid) throw new Error(`dovecot (LMTP only): no master.pid; see ${log}`);
  return async () => {
    await stopPid(pid);
    rmSync(path.join(DOVECOT_DIR, 'run-lmtp'), { recursive: true, force: true });
  };
}
