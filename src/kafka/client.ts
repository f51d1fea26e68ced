import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import './request-queue-fix.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';

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
      if (level === logLevel.ERROR) log.error(rest, message);
      else if (level === logLevel.WARN) log.warn(rest, message);
      else log.debug(rest, message);
    },
  });
}
