import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HOST, PORTS, RUN_DIR } from './paths.js';
import { aptInstall, commandExists, logFile, pidFile, readPid, runToCompletion, sleep } from './process.js';
import type { LocalServer } from './server.js';

/**
 * A private Postfix (Debian's package) for the SMTP journaling sink's tests: its own
 * configuration, queue and log, on loopback only, never touching a system Postfix. It accepts
 * mail for the test domain example.com from 127.0.0.0/8 and relays it over LMTP into Dovecot
 * (PORTS.dovecotLmtp), so what the sink sends lands in the mailboxes the IMAP tests read.
 *
 * Three listeners: PORTS.postfix (STARTTLS with a self-signed certificate, SIZE 4 MiB, header
 * checks that refuse a message carrying `X-Journal-Test: reject` with 550); PORTS.postfixBusy,
 * which admits one connection per client at a time and answers any other with 421 (Postfix's
 * own anvil limit), for tests of the sink's 4xx handling; and PORTS.postfixAuth, which relays only
 * after SMTP AUTH (RFC 4954) over TLS, checked by Dovecot's auth service (any user, Dovecot's test
 * password); each of its smtpd processes serves one connection (max_use=1), so none keeps a
 * connection to an auth service that has since restarted. See docs/smtp-journaling.md.
 *
 * Postfix processes run as the `postfix` user, which must reach the queue: like Dovecot's store
 * (infra/dovecot.ts) it lives in a folder of its own under the system temp dir, named after this
 * checkout. Mail waits in the queue while LMTP is down and goes on when it is back.
 */
export const POSTFIX_DIR = path.join(tmpdir(), `webex-archiver-postfix-${createHash('sha256').update(RUN_DIR).digest('hex').slice(0, 12)}`);
export const POSTFIX_LOG = path.join(POSTFIX_DIR, 'maillog');
/** SIZE the test server announces (RFC 1870): message_size_limit. */
export const POSTFIX_SIZE_LIMIT = 4 * 1024 * 1024;
export const POSTFIX_TEST_DOMAIN = 'example.com';
const ETC = path.join(POSTFIX_DIR, 'etc');
const isRoot = process.getuid?.() === 0;

function mainCf(): string {
  const d = POSTFIX_DIR;
  return `# Written by infra/postfix.ts: a private, loopback-only Postfix for tests.
compatibility_level = 3.6
queue_directory = ${d}/queue
data_directory = ${d}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = ${POSTFIX_LOG}
maillog_file_prefixes = ${d}
myhostname = postfix.webex-archiver.invalid
mydomain = webex-archiver.invalid
myorigin = $myhostname
mydestination =
inet_interfaces = ${HOST}
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains = ${POSTFIX_TEST_DOMAIN}
transport_maps = inline:{ ${POSTFIX_TEST_DOMAIN}=lmtp:inet:${HOST}:${PORTS.dovecotLmtp} }
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
header_checks = regexp:${ETC}/header_checks
message_size_limit = ${POSTFIX_SIZE_LIMIT}
smtpd_tls_security_level = may
smtpd_tls_cert_file = ${ETC}/cert.pem
smtpd_tls_key_file = ${ETC}/key.pem
alias_maps =
alias_database =
local_recipient_maps =
biff = no
# LMTP down (Dovecot restarting): keep retrying soon, so tests see the mail when it is back.
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 30s
`;
}

// Debian's master.cf services, without chroot (a chroot would need copies of /etc files).
const SERVICES = `pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;

function masterCf(): string {
  return `${HOST}:${PORTS.postfix} inet n - n - - smtpd
${HOST}:${PORTS.postfixBusy} inet n - n - - smtpd
  -o smtpd_client_connection_count_limit=1
  -o smtpd_client_event_limit_exceptions=
${HOST}:${PORTS.postfixAuth} inet n - n - - smtpd
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_sasl_type=dovecot
  -o smtpd_sasl_path=inet:${HOST}:${PORTS.dovecotAuth}
  -o smtpd_tls_auth_only=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  -o max_use=1
${SERVICES}`;
}

/** Runs a Postfix admin command; Postfix reports to syslog or its maillog, so failures point there. */
function postfix(args: string[]): void {
  runToCompletion('postfix', 'postfix', ['-c', ETC, ...args]);
}

/** The SMTP greeting, or null: a listener that does not answer 220 is not a usable Postfix. */
function greeting(port: number, timeoutMs = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    let data = '';
    const done = (v: string | null) => { socket.destroy(); resolve(v); };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.on('data', (d) => { data += d.toString('latin1'); if (data.includes('\r\n')) done(data.split('\r\n')[0]!); });
    socket.once('error', () => done(null));
  });
}

export const postfixServer: LocalServer = {
  name: 'postfix',
  endpoint: `smtp://${HOST}:${PORTS.postfix}`,
  startTimeoutMs: 30_000,

  async prepare(progress) {
    if (commandExists('postfix') && commandExists('openssl')) return;
    if (!isRoot) throw new Error('postfix: not installed; run `sudo apt-get install -y postfix openssl` (choose "No configuration")');
    progress('postfix: installing Debian package postfix (first run only; "No configuration", so no system instance is set up)');
    // Preseeded: the package then writes no /etc/postfix/main.cf and starts no system Postfix.
    runToCompletion('postfix-apt', 'sh', ['-c', 'echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections']);
    aptInstall('postfix', 'postfix', 'openssl');
  },

  async start(progress) {
    rmSync(POSTFIX_DIR, { recursive: true, force: true });
    for (const d of ['etc', 'queue', 'data']) mkdirSync(path.join(POSTFIX_DIR, d), { recursive: true });
    writeFileSync(path.join(ETC, 'main.cf'), mainCf());
    writeFileSync(path.join(ETC, 'master.cf'), masterCf());
    writeFileSync(path.join(ETC, 'header_checks'), '/^X-Journal-Test: *reject/ REJECT 5.7.1 refused by the test server\'s header_checks\n');
    runToCompletion('postfix', 'openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', `/CN=${HOST}`,
      '-addext', `subjectAltName=IP:${HOST}`, '-keyout', path.join(ETC, 'key.pem'), '-out', path.join(ETC, 'cert.pem')]);
    writeFileSync(POSTFIX_LOG, '');
    if (isRoot) {
      const uid = Number(runId('-u')), gid = Number(runId('-g'));
      chownSync(path.join(POSTFIX_DIR, 'data'), uid, gid);
      chownSync(POSTFIX_LOG, uid, gid);
    }
    mkdirSync(path.dirname(logFile('postfix')), { recursive: true });
    rmSync(logFile('postfix'), { force: true });
    symlinkSync(POSTFIX_LOG, logFile('postfix'));
    progress(`postfix: starting SMTP on ${this.endpoint} (4xx test listener :${PORTS.postfixBusy}, AUTH :${PORTS.postfixAuth}; relays ${POSTFIX_TEST_DOMAIN} over LMTP to :${PORTS.dovecotLmtp}; log: ${logFile('postfix')})`);
    // `postfix start` creates the queue's folders and checks them (postfix-script); as root it
    // accepts a config directory that the system main.cf does not list.
    postfix(['start']);
    const masterPid = path.join(POSTFIX_DIR, 'queue', 'pid', 'master.pid');
    for (let i = 0; i < 100 && readPid(masterPid) === undefined; i++) await sleep(50);
    const pid = readPid(masterPid);
    if (!pid) throw new Error(`postfix: no master.pid; see ${POSTFIX_LOG}`);
    mkdirSync(path.dirname(pidFile('postfix')), { recursive: true });
    writeFileSync(pidFile('postfix'), String(pid));
    return pid;
  },

  async healthy() {
    return (await greeting(PORTS.postfix))?.startsWith('220') === true;
  },

  async afterStop() {
    if (existsSync(path.join(POSTFIX_DIR, 'queue', 'pid'))) rmSync(path.join(POSTFIX_DIR, 'queue', 'pid'), { recursive: true, force: true });
  },
};

function runId(flag: '-u' | '-g'): string {
  return spawnSync('id', [flag, 'postfix'], { encoding: 'utf8' }).stdout.trim();
}
