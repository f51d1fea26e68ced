import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyRegistration } from '../src/capture/webhook-registration.js';
import { createWebexFromConfig } from '../src/capture/webex-source.js';
import type { Config } from '../src/config/schema.js';
import type { Logger } from '../src/log.js';
import { startSupervisor, type SupervisedRole } from './supervisor.js';

/** Every role of the webhook path, each its own process as deployed: the receiver and the seven processors. */
export const LIVE_ROLES: readonly SupervisedRole[] = [
  { name: 'receiver', args: ['receiver'] },
  ...['hydrate', 'convert', 'dedupe', 'limit', 'stage', 'route', 'import'].map((p) => ({ name: p, args: ['run', p] })),
];

/** The receiver's port and the settings that point Webex's webhooks at it. */
export async function receiverEnv(): Promise<{ port: number; env: Record<string, string> }> {
  const port = await freePort();
  return { port, env: { WXA_RECEIVER_PORT: String(port), WXA_WEBHOOK_TARGET_URL: `http://127.0.0.1:${port}/webhooks/webex` } };
}

/**
 * Starts LIVE_ROLES under a supervisor, waits until the receiver answers, and registers the
 * simulator's webhooks to it: from then on, a message played in the simulator flows through every process.
 */
export async function startLivePipeline(config: Config, env: Record<string, string>, port: number, logger: Logger, say: (line: string) => void) {
  const supervisor = startSupervisor(LIVE_ROLES, env, say);
  try {
    await waitFor(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false), 60_000, 'the receiver to answer');
    const client = createWebexFromConfig(config, logger);
    await applyRegistration(client, config.webhookTargetUrl, config.webhookSecret);
    return { supervisor, client };
  } catch (err) {
    await supervisor.stop();
    throw err;
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}
