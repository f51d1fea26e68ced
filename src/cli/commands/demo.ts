import { readdirSync } from 'node:fs';
import path from 'node:path';
import { maildirFolderPath } from '../../sinks/maildir.js';
import { infraDown, infraUp, type ServerName } from '../../../infra/index.js';
import { kafkaCheckpoints } from '../../capture/checkpoints.js';
import { crawlEvents } from '../../capture/crawler.js';
import { captureChangesOf } from '../../capture/capture-message.js';
import { membershipCapture } from '../../capture/participants.js';
import { nextDailyRun } from '../../capture/crawl-window.js';
import { createRoomCache } from '../../capture/room-cache.js';
import { applyRegistration, planSummary } from '../../capture/webhook-registration.js';
import { createWebexFromConfig } from '../../capture/webex-source.js';
import { loadConfig } from '../../config/load.js';
import { ArchiverError } from '../../errors.js';
import { CONFIG_SPEC } from '../../config/schema.js';
import { startService } from '../../service/service.js';
import { startWebexSimulator, type WebexSimulator } from '../../simulator/index.js';
import { parseFlags, type Command } from '../command.js';
import { onShutdown, untilShutdown } from '../lifecycle.js';

export const demoCommand: Command = {
  name: 'demo',
  usage: `webex-archiver demo [--users N] [--rooms N] [--messages N] [--seed N] [--simulator-port N] [--no-infra]

  Starts the local servers if needed, the Webex simulator with a seeded demo organization (unless
  WXA_WEBEX_BASE_URL points at a real Webex), the receiver with the operator dashboard, every
  processor, and the reconciliation crawler (once after start-up, then daily). Archives into a
  Maildir folder (WXA_MAILDIR_ROOT) unless another sink is configured. Runs until Ctrl-C.
  --simulator-port N puts the simulator on port N (0: a free one) instead of WXA_WEBEX_BASE_URL's;
  with WXA_RECEIVER_PORT=0 too, a demo runs beside another one (the tests do).`,

  async run(argv) {
    const { values } = parseFlags(argv, {
      users: { type: 'string', default: '8' }, rooms: { type: 'string', default: '6' }, messages: { type: 'string', default: '150' },
      seed: { type: 'string', default: '42' }, 'simulator-port': { type: 'string' }, 'no-infra': { type: 'boolean' },
    });
    const say = (line: string) => process.stdout.write(`${line}\n`);
    let started: ServerName[] = [];
    if (!values['no-infra']) {
      say('Starting local servers (first run downloads Kafka and Apicurio jars: a few minutes)...');
      started = await infraUp({ progress: (l) => say(`  ${l}`) });
      onShutdown('infra', async () => { if (started.length) await infraDown({ only: started, progress: (l) => say(`  ${l}`) }); });
    }
    let config = loadConfig();
    const simulated = config.webexBaseUrl === CONFIG_SPEC.webexBaseUrl.default;
    let sim: WebexSimulator | undefined;
    if (simulated) {
      const port = Number(values['simulator-port'] ?? new URL(config.webexBaseUrl).port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ArchiverError('BAD_INPUT', `--simulator-port: "${values['simulator-port']}" is not a port`);
      sim = await startWebexSimulator({
        port, holdMessages: true,
        seed: { seed: Number(values.seed), users: Number(values.users), rooms: Number(values.rooms), messages: Number(values.messages) },
      });
      onShutdown('simulator', () => sim!.close());
      // Everything below talks to the simulator where it really listens (another port when asked).
      if (sim.baseUrl !== config.webexBaseUrl) config = loadConfig(process.env, { WXA_WEBEX_BASE_URL: sim.baseUrl });
      say(`Webex simulator: ${sim.baseUrl} (seeded demo organization, ${values.messages} messages)`);
    }
    const service = await startService(config);
    onShutdown('service', () => service.stop());
    const client = createWebexFromConfig(config, service.rt.logger);
    // The local default target names the default receiver port; when the receiver listens elsewhere
    // (WXA_RECEIVER_PORT), webhooks must go where it really is, not to whatever holds 18080.
    const target = config.webhookTargetUrl === CONFIG_SPEC.webhookTargetUrl.default && service.url ? `${service.url}/webhooks/webex` : config.webhookTargetUrl;
    const reg = await applyRegistration(client, target, config.webhookSecret);
    say(`Webhooks: ${planSummary(reg)} -> ${target}`);

    const crawlerDeps = {
      source: service.source, reader: service.source, blob: service.rt.blob, rooms: createRoomCache(service.source),
      attachmentsContainer: config.attachmentsContainer, logger: service.rt.logger.child({ component: 'crawler' }),
      publisher: service.rt.publisher, checkpoints: kafkaCheckpoints(service.rt), ...membershipCapture(service.rt, service.source, 'crawler'), captureChanges: captureChangesOf(config),
    };
    const crawl = async () => {
      const r = await crawlEvents(crawlerDeps, { now: new Date(), overlapMinutes: config.crawlOverlapMinutes, pageSize: config.crawlPageSize, firstRunLookbackHours: config.crawlFirstLookbackDays * 24 * (simulated ? 5 : 1) });
      say(`Reconciliation crawl: ${r.pages} pages of events, ${r.published} raw records (duplicates of webhook captures are dropped by dedupe)`);
    };

    const archive = config.sink === 'maildir' ? path.resolve(config.maildirRoot) : `${config.sink} sink`;
    say('');
    say(`Archive:     ${archive}   (one folder per mailbox; "Webex Teams" under each Inbox)`);
    say(`Dashboard:   ${service.url}/ops/   (operator token: WXA_OPERATOR_TOKEN${config.operatorToken === CONFIG_SPEC.operatorToken.default ? `, local default "${config.operatorToken}"` : ''})`);
    say(`Status log:  ${service.url}/ops/log?format=csv   or   npx webex-archiver status --log`);
    say(`Metrics:     ${service.metricsUrl}`);
    say('Ctrl-C stops everything cleanly.');
    say('');
    if (sim) {
      say('Playing the demo organization live: each message is a signed webhook to the receiver...');
      const played = await sim.playLive({ memberships: true, intervalMs: 20 });
      say(`Played ${played.versions} message versions (${played.deliveries} webhook deliveries).`);
    }
    await crawl().catch((err: Error) => say(`crawl failed: ${err.message}`));
    if (config.sink === 'maildir') say(openHint(archive, config.mailFolder, config.fallbackMailbox));
    const schedule = () => {
      const next = nextDailyRun(new Date(), config.crawlDailyAt);
      const t = setTimeout(() => { void crawl().catch(() => undefined).finally(schedule); }, next.getTime() - Date.now());
      t.unref();
    };
    schedule();
    await untilShutdown();
  },
};

/**
 * How to read the archive with a mail client: each mailbox is a Maildir++ store that mutt,
 * neomutt and Dovecot open as is (`-f` opens one folder; `c` then `?` lists the others).
 */
function openHint(root: string, folder: string, fallback: string): string {
  let example = path.join(root, '<mailbox>', 'Maildir', `.${folder}`);
  try {
    // A participant's own mailbox makes the better example than the fallback one.
    const mailboxes = readdirSync(root).filter((d) => d.includes('@')).sort();
    const first = mailboxes.find((d) => d !== fallback) ?? mailboxes[0];
    if (first) example = maildirFolderPath(root, first, folder);
  } catch { /* nothing archived yet */ }
  return `Open it:     neomutt -f '${example}'   (or mutt; any Maildir reader; one folder per mailbox under ${root})`;
}
