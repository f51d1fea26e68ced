import { createRequire } from 'node:module';
import { logLevel } from 'kafkajs';

/**
 * Which level a kafkajs log entry deserves in our logs. kafkajs logs at error level every answer a
 * broker gives while it elects partition leaders or loads a group coordinator, every retry of a
 * send or a connection, and each consumer restart, although it retries them itself: a screen of
 * "The group coordinator is not available" and "This server is not the leader for that
 * topic-partition" lines on every healthy start of a fresh broker (issue: a quiet console).
 * Those become `transient`: the first of each kind a warning, the rest debug. What kafkajs cannot
 * get past reaches our code as a thrown error (or a crash the runner reports as fatal,
 * src/kafka/runner.ts), which logs it at error level once, so nothing is hidden.
 */
export type KafkajsLogClass = 'error' | 'warn' | 'transient' | 'debug';

const require = createRequire(import.meta.url);
const { errorCodes } = require('kafkajs/src/protocol/error.js') as { errorCodes: { type: string; message: string; retriable: boolean }[] };

/**
 * Broker answers that kafkajs retries (its `retriable` flag, the Kafka protocol's), plus the group
 * membership answers its consumer handles by re-joining (https://kafka.apache.org/protocol#protocol_error_codes).
 */
const HANDLED_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'MEMBER_ID_REQUIRED', 'TOPIC_ALREADY_EXISTS']);
const TRANSIENT_ANSWERS = new Set(errorCodes.filter((e) => e.retriable || HANDLED_TYPES.has(e.type)).map((e) => e.message));

/** kafkajs' own messages for steps it retries or recovers from (consumer/index.js, cluster/brokerPool.js, network/connection.js). */
const TRANSIENT_MESSAGES = [
  /^Connection timeout$/, /^Connection error: /, /^Closed connection$/, /^Failed to connect to seed broker/, /^Failed to connect to broker, reconnecting/,
  /^Restarting the consumer in /, /^Crash: KafkaJS(NumberOfRetriesExceeded|ConnectionError|ConnectionClosedError|ProtocolError)/,
  /^The coordinator is not aware of this member, re-joining the group/, /^The group is rebalancing, re-joining/,
];

export function classifyKafkajsLog(level: number, entry: { message: string; error?: unknown; retryCount?: unknown }): KafkajsLogClass {
  if (level > logLevel.WARN) return 'debug';
  const answer = typeof entry.error === 'string' ? entry.error : undefined;
  if (entry.message.startsWith('Response ')) {
    // A broker's error answer to one request; the same error goes on to the caller, which retries
    // it or throws it to our code. Transient ones are noise; others still deserve a look.
    return answer !== undefined && TRANSIENT_ANSWERS.has(answer) ? 'transient' : 'warn';
  }
  if (level === logLevel.WARN) return 'warn';
  if (TRANSIENT_MESSAGES.some((r) => r.test(entry.message))) return 'transient';
  // A retry loop logs each failed attempt with its retry count before trying again.
  if (typeof entry.retryCount === 'number' && [...TRANSIENT_ANSWERS].some((m) => entry.message.includes(m))) return 'transient';
  return 'error';
}

/** The key a transient entry is warned about once under: the broker's answer, or kafkajs' message without numbers. */
export function transientKey(entry: { message: string; error?: unknown }): string {
  return typeof entry.error === 'string' ? entry.error : entry.message.replace(/\d+/g, 'N');
}
