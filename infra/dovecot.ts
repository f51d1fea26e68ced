import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { HOST, PORTS, RUN_DIR } from './paths.js';
import { aptInstall, commandExists, isAlive, isPortOpen, logFile, pidFile, readPid, runToCompletion, sleep, stopPid, waitFor } from './process.js';
import type { LocalServer } from './server.js';

/**
 * A throwaway Dovecot IMAP server (Debian's dovecot-imapd), on loopback, without TLS:
 * - any user name logs in with the password DOVECOT_USER_PASSWORD (tests read mailboxes this way);
 * - the master user `archiver` (DOVECOT_MASTER_PASSWORD) logs in as anyone with `<user>*archiver`,
 *   which is how the IMAP sink reaches every mailbox with one credential (Dovecot "master users").
 * Mail lives in .run/dovecot/mail/<user>/Maildir (see DOVECOT_DIR) with LAYOUT=fs, so "INBOX/Webex Teams" is a real folder.
 */
export const DOVECOT_USER_PASSWORD = 'userpass';
export const DOVECOT_MASTER_USER = 'archiver';
export const DOVECOT_MASTER_PASSWORD = 'archiver-master-secret';
const isRoot = process.getuid?.() === 0;

/**
 * Where Dovecot's configuration, state, mail and log live. As root, Dovecot runs as `nobody`, which
 * must be able to reach them: when some folder above .run/ is closed to others (a checkout inside
 * a `mktemp -d` folder is 0700), the store moves to a folder of its own under the system temp dir
 * (1777, so reachable), named after this checkout so two checkouts never share it.
 */
function dovecotDir(): string {
  const inside = path.join(RUN_DIR, 'dovecot');
  if (!isRoot) return inside;
  for (let dir = path.dirname(RUN_DIR); ; dir = path.dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
      return path.join(tmpdir(), `webex-archiver-dovecot-${createHash('sha256').update(RUN_DIR).digest('hex').slice(0, 12)}`);
    }
    if (dir === path.dirname(dir)) return inside;
  }
}

export const DOVECOT_DIR = dovecotDir();
export const DOVECOT_MAIL_DIR = path.join(DOVECOT_DIR, 'mail');
/** Dovecot's own log, inside its folder (it writes as `nobody`); .run/logs/dovecot.log links to it. */
const DOVECOT_LOG = path.join(DOVECOT_DIR, 'dovecot.log');
// Dovecot refuses to run its login processes as root, so as root everything runs as nobody.
const RUN_USER = isRoot ? 'nobody' : userInfo().username;
const RUN_GROUP = isRoot ? 'nogroup' : (spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim() || RUN_USER);

/**
 * Dovecot's default auth_username_chars refuse `'` and `+`, so `o'brien@…` or `first+tag@…` could
 * not log in. These are RFC 5321 atext (§4.1.2) minus `/` (user names become home folders here)
 * and `%` (Dovecot's variable sign). Exported for the private test instance.
 */
export const DOVECOT_USERNAME_CHARS = "auth_username_chars = abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567890.-_@'+!#$&*=?^`{|}~";

/**
 * The configuration: IMAP for the tests and the IMAP sink, LMTP (RFC 2033) on PORTS.dovecotLmtp
 * for the local Postfix (infra/postfix.ts) to deliver into the same mailboxes, and Dovecot's auth
 * protocol on PORTS.dovecotAuth, which Postfix's SMTP AUTH listener asks (smtpd_sasl_type=dovecot).
 * `lmtpOnly` is the same store served by LMTP alone from a second instance (own base_dir, log and
 * instance name): for a running Dovecot started before LMTP was configured, which must not be
 * restarted under other users' tests (test/support/lmtp.ts).
 */
export function dovecotConf(opts: { lmtpOnly?: boolean } = {}): string {
  const d = DOVECOT_DIR;
  const suffix = opts.lmtpOnly ? '-lmtp' : '';
  return `protocols = ${opts.lmtpOnly ? 'lmtp' : 'imap lmtp'}
listen = ${HOST}
base_dir = ${d}/run${suffix}
state_dir = ${d}/state${suffix}
instance_name = webex-archiver-imap${suffix}
log_path = ${opts.lmtpOnly ? path.join(d, 'dovecot-lmtp.log') : DOVECOT_LOG}
postmaster_address = postmaster@example.com
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_master_user_separator = *
${DOVECOT_USERNAME_CHARS}
default_internal_user = ${RUN_USER}
default_internal_group = ${RUN_GROUP}
default_login_user = ${RUN_USER}
mail_uid = ${RUN_USER}
mail_gid = ${RUN_GROUP}
first_valid_uid = 1
mail_location = maildir:~/Maildir:LAYOUT=fs
mail_max_userip_connections = 100
namespace inbox {
  inbox = yes
  separator = /
  prefix =
}
passdb {
  driver = passwd-file
  master = yes
  args = scheme=PLAIN username_format=%u ${d}/master-users
}
passdb {
  driver = static
  args = password=${DOVECOT_USER_PASSWORD}
}
userdb {
  driver = static
  args = uid=${RUN_USER} gid=${RUN_GROUP} home=${DOVECOT_MAIL_DIR}/%u
}
service imap-login {
  inet_listener imap {
    address = ${HOST}
    port = ${PORTS.dovecot}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
# One imap process per connection (Dovecot's default); the import pool keeps up to
# WXA_IMAP_MAX_CONNECTIONS (1024) open, tests and the bench beside it.
service imap {
  process_limit = 2048
}
# Every protocol process may hold an auth connection (Dovecot warns at start otherwise).
service auth {
  client_limit = 2400
  inet_listener auth-sasl {
    address = ${HOST}
    port = ${PORTS.dovecotAuth}
  }
}
service lmtp {
  inet_listener lmtp {
    address = ${HOST}
    port = ${PORTS.dovecotLmtp}
  }
}
service anvil {
  chroot =
}
`;
}

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, uid, gid); else chownSync(p, uid, gid);
  }
}

function idOf(flag: '-u' | '-g', name: string): number {
  return Number(spawnSync('id', [flag, name === RUN_GROUP && flag === '-g' ? RUN_USER : name], { encoding: 'utf8' }).stdout.trim());
}

const CONF = path.join(DOVECOT_DIR, 'dovecot.conf');

/** Starts the Dovecot master on the configuration already written; returns its pid (also our pid file). */
async function launchDovecot(): Promise<number> {
  // Dovecot daemonizes; its master writes base_dir/master.pid, which becomes our pid file.
  const masterPid = path.join(DOVECOT_DIR, 'run', 'master.pid');
  rmSync(masterPid, { force: true });
  // Its master and auth process hold a descriptor per session (up to 2,048 imap processes here),
  // and the soft limit can be 1,024 (runuser's PAM session sets it so): raise it to the hard limit.
  const raiseFdLimit = 'h=$(ulimit -Hn); [ "$h" = unlimited ] && h=65536; ulimit -n "$h" 2>/dev/null; exec "$@"';
  const dovecot = ['sh', '-c', raiseFdLimit, 'sh', 'dovecot', '-c', CONF];
  const [cmd, ...args] = isRoot ? ['runuser', '-u', RUN_USER, '--', ...dovecot] : dovecot;
  runToCompletion('dovecot', cmd!, args);
  for (let i = 0; i < 100 && !existsSync(masterPid); i++) await sleep(50);
  const pid = readPid(masterPid);
  if (!pid) throw new Error(`dovecot: no master.pid; see ${logFile('dovecot')}`);
  mkdirSync(path.dirname(pidFile('dovecot')), { recursive: true });
  writeFileSync(pidFile('dovecot'), String(pid));
  return pid;
}

/**
 * Stops the Dovecot we started and starts it again on the same mail store (the soak's "IMAP
 * outage": connections refused for `downMs`, then the same mailboxes back). A plain `start`
 * would wipe the throwaway store, which is right for a fresh run and wrong for an outage.
 */
export async function restartDovecotKeepingMail(downMs: number, progress: (line: string) => void = () => undefined): Promise<number> {
  const pid = readPid(pidFile('dovecot'));
  if (pid === undefined || !isAlive(pid)) throw new Error('dovecot: not started by this project; nothing to restart');
  progress(`dovecot: stopping pid ${pid} for ${downMs} ms (mail kept)`);
  await stopPid(pid);
  await sleep(downMs);
  const next = await launchDovecot();
  await waitFor('dovecot', () => dovecotServer.healthy(), dovecotServer.startTimeoutMs, () => isAlive(next));
  progress(`dovecot: back as pid ${next}`);
  return next;
}

export const dovecotServer: LocalServer = {
  name: 'dovecot',
  endpoint: `imap://${HOST}:${PORTS.dovecot}`,
  startTimeoutMs: 20_000,

  async prepare(progress) {
    // dovecot-lmtpd: the LMTP listener Postfix delivers through (infra/postfix.ts).
    if (commandExists('dovecot') && existsSync('/usr/lib/dovecot/lmtp')) return;
    if (!isRoot) throw new Error('dovecot: not installed; run `sudo apt-get install -y dovecot-imapd dovecot-lmtpd`');
    progress('dovecot: installing Debian packages dovecot-imapd and dovecot-lmtpd (first run only)');
    aptInstall('dovecot', 'dovecot-imapd', 'dovecot-lmtpd');
  },

  async start(progress) {
    rmSync(DOVECOT_DIR, { recursive: true, force: true });
    mkdirSync(DOVECOT_MAIL_DIR, { recursive: true });
    writeFileSync(CONF, dovecotConf());
    writeFileSync(path.join(DOVECOT_DIR, 'master-users'), `${DOVECOT_MASTER_USER}:{PLAIN}${DOVECOT_MASTER_PASSWORD}\n`);
    writeFileSync(DOVECOT_LOG, '', { flag: 'a' });
    // The usual place for logs points at Dovecot's own (kept where `nobody` can write).
    mkdirSync(path.dirname(logFile('dovecot')), { recursive: true });
    rmSync(logFile('dovecot'), { force: true });
    symlinkSync(DOVECOT_LOG, logFile('dovecot'));
    if (isRoot) {
      const uid = idOf('-u', RUN_USER);
      const gid = idOf('-g', RUN_GROUP);
      chownTree(DOVECOT_DIR, uid, gid);
    }
    progress(`dovecot: starting IMAP on ${this.endpoint} (log: ${logFile('dovecot')})`);
    return launchDovecot();
  },

  async healthy() {
    if (!(await isPortOpen(HOST, PORTS.dovecot))) return false;
    return existsSync(DOVECOT_DIR) ? statSync(DOVECOT_DIR).isDirectory() : true;
  },

  async afterStop() {
    rmSync(path.join(DOVECOT_DIR, 'run'), { recursive: true, force: true });
  },
};
