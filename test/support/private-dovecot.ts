import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOVECOT_MASTER_PASSWORD, DOVECOT_MASTER_USER, DOVECOT_USERNAME_CHARS } from '../../infra/dovecot.js';
import { isPortOpen, sleep } from '../../infra/process.js';

/**
 * A second, private Dovecot for tests that must change how the server answers (quota, size
 * limit, a broken authentication backend) without touching the shared instance other tests use.
 * It runs in the foreground as this test's child on a free loopback port and is stopped by it.
 *
 * Users are `<name>@<domain>` with the password `userpass`:
 * - `@quota.test`: from a passwd file, with a 1 KiB storage quota each (Dovecot quota plugin), so
 *   an APPEND above it is refused with `NO [OVERQUOTA]`;
 * - `@plain.test`: any name, no quota; also reachable as the shared instance's master user
 *   (`<user>*archiver`, DOVECOT_MASTER_PASSWORD);
 * - `@nobody.test`: no such user (their passwd file is missing);
 * - `@outage.test`: their passdb is a checkpassword program that exits 111, the checkpassword
 *   protocol's "temporary problem", so every login is Dovecot's temporary authentication
 *   failure, `NO [UNAVAILABLE]` (an authentication backend outage);
 * and every APPEND above `maxMailSize` bytes is refused with `NO [LIMIT]` (quota_max_mail_size).
 */
export const PRIVATE_DOVECOT_PASSWORD = 'userpass';

export interface PrivateDovecot { port: number; dir: string; stop(): Promise<void> }

const isRoot = process.getuid?.() === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startPrivateDovecot(opts: { users: string[]; maxMailSize: number }): Promise<PrivateDovecot> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'wxa-dovecot-private-'));
  chmodSync(dir, 0o755);
  const runUser = isRoot ? 'nobody' : spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim();
  const runGroup = isRoot ? 'nogroup' : spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim();
  mkdirSync(path.join(dir, 'mail'), { recursive: true });
  const quotaUsers = opts.users.filter((u) => u.endsWith('@quota.test'));
  writeFileSync(path.join(dir, 'passwd.quota.test'), quotaUsers.map((u) => `${u}:{PLAIN}${PRIVATE_DOVECOT_PASSWORD}::::::userdb_quota_rule=*:storage=1K\n`).join(''));
  writeFileSync(path.join(dir, 'master-users'), `${DOVECOT_MASTER_USER}:{PLAIN}${DOVECOT_MASTER_PASSWORD}\n`);
  writeFileSync(path.join(dir, 'auth-backend-down'), '#!/bin/sh\nexit 111\n', { mode: 0o755 });
  writeFileSync(path.join(dir, 'dovecot.conf'), `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = wxa-private-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_master_user_separator = *
${DOVECOT_USERNAME_CHARS}
default_internal_user = ${runUser}
default_internal_group = ${runGroup}
default_login_user = ${runUser}
mail_uid = ${runUser}
mail_gid = ${runGroup}
first_valid_uid = 1
mail_location = maildir:~/Maildir:LAYOUT=fs
mail_plugins = quota
protocol imap {
  mail_plugins = $mail_plugins imap_quota
}
plugin {
  quota = maildir:User quota
  quota_max_mail_size = ${opts.maxMailSize}
}
namespace inbox {
  inbox = yes
  separator = /
  prefix =
}
passdb {
  driver = passwd-file
  master = yes
  args = scheme=PLAIN username_format=%u ${dir}/master-users
}
passdb {
  driver = checkpassword
  args = ${dir}/auth-backend-down
  username_filter = *@outage.test
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd.%d
  username_filter = *@quota.test *@nobody.test
}
passdb {
  driver = static
  args = password=${PRIVATE_DOVECOT_PASSWORD}
  username_filter = *@plain.test
}
userdb {
  driver = static
  args = uid=${runUser} gid=${runGroup} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
`);
  if (isRoot) {
    const uid = Number(spawnSync('id', ['-u', runUser], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', runUser], { encoding: 'utf8' }).stdout.trim());
    chownSync(path.join(dir, 'mail'), uid, gid);
  }
  const child: ChildProcess = spawn('dovecot', ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => { exited = true; });
  for (let i = 0; i < 200 && !(await isPortOpen('127.0.0.1', port, 200)); i++) {
    if (exited) throw new Error(`private dovecot exited at start; see ${dir}/dovecot.log`);
    await sleep(50);
  }
  return {
    port,
    dir,
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
