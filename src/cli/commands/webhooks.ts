import { applyRegistration, listWebhooks, planSummary } from '../../capture/webhook-registration.js';
import { createWebexFromConfig } from '../../capture/webex-source.js';
import { loadConfig } from '../../config/load.js';
import { ArchiverError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { parseFlags, type Command } from '../command.js';

export const webhooksCommand: Command = {
  name: 'webhooks',
  usage: `webex-archiver webhooks register|list|repair [--json]

  register  create the org-wide messages and memberships webhooks pointing at WXA_WEBHOOK_TARGET_URL,
            signed with WXA_WEBHOOK_SECRET; existing ones are kept, disabled ones re-activated, active
            ones signing with another secret (after a rotation) re-keyed
  list      every webhook of the token's owner: id, name, resource, event, status, target (no secrets)
  repair    re-activate ours that Webex disabled after failed deliveries`,

  async run(argv) {
    const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' } }, true);
    const config = loadConfig();
    const client = createWebexFromConfig(config, createLogger({ level: config.logLevel, format: config.logFormat }));
    const action = positionals[0];
    if (action === 'list') {
      const hooks = (await listWebhooks(client)).map((w) => ({ id: w.id, name: w.name, resource: w.resource, event: w.event, status: w.status ?? 'active', targetUrl: w.targetUrl }));
      if (values.json) process.stdout.write(JSON.stringify(hooks, null, 2) + '\n');
      else for (const h of hooks) process.stdout.write(`${h.status.padEnd(8)} ${h.resource}/${h.event} ${h.name} -> ${h.targetUrl} (${h.id})\n`);
      return 0;
    }
    if (action === 'register' || action === 'repair') {
      const plan = await applyRegistration(client, config.webhookTargetUrl, config.webhookSecret, { repairOnly: action === 'repair' });
      process.stdout.write(`${planSummary(plan)}\n`);
      return 0;
    }
    throw new ArchiverError('BAD_INPUT', `webhooks: expected register, list or repair, got "${action ?? ''}"`);
  },
};
