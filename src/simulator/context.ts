import type { Logger } from '../log.js';
import type { Faults } from './faults.js';
import type { StatsRecorder } from './stats.js';
import type { OrgStore } from './store.js';
import type { WebhookDispatcher } from './webhook-delivery.js';

/** What every route handler needs: the organization, the faults, the webhooks and the clock. */
export interface SimContext {
  store: OrgStore;
  faults: Faults;
  stats: StatsRecorder;
  webhooks: WebhookDispatcher;
  log: Logger;
  /** The public base URL, ending in `/v1`; known once the server listens. */
  baseUrl(): string;
  now(): number;
  acceptToken(token: string): boolean;
  webhookSecretDefault: string | undefined;
}
