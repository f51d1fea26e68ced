import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import './request-queue-fix.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { classifyKafkajsLog, transientKey } from './kafkajs-log.js';

/** Transient kinds already warned about in this process; later ones go to debug (bounded). */
const warnedOnce = new Set<string>();

/** The one place that constructs kafkajs clients; its logs go through pino. */
export function createKafka(config: Pick<Config, 'kafkaBrokers' | 'kafkaClientId'>, logger: Logger, clientSuffix = ''): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: config.kafkaClientId + clientSuffix,
    brokers: config.kafkaBrokers,
    logLevel: logLevel.WARN,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    logCreator: () => ({ level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      const kind = classifyKafkajsLog(level, entry);
      if (kind === 'error') log.error(rest, message);
      else if (kind === 'warn') log.warn(rest, message);
      else if (kind === 'transient' && !warnedOnce.has(transientKey(entry)) && warnedOnce.size < 1000) {
        warnedOnce.add(transientKey(entry));
        log.warn({ ...rest, transient: true }, `${message} (kafkajs retries this; further ones are logged at debug level)`);
      } else log.debug(rest, message);
    },
  });
}
