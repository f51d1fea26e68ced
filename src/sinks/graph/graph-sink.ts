import type { Config } from '../../config/schema.js';
import { ArchiverError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { MailboxSink } from '../sink.js';

/** Placeholder until the Graph sink lands: refuses clearly at start-up instead of failing per item. */
export function createGraphSink(config: Pick<Config, 'graphTenantId' | 'graphClientId'>, logger: Logger): MailboxSink {
  void logger;
  if (!config.graphTenantId || !config.graphClientId) throw new ArchiverError('CONFIG', 'WXA_GRAPH_TENANT_ID: the graph sink needs a tenant and client id');
  throw new ArchiverError('CONFIG', 'WXA_SINK: graph is not available in this build');
}
