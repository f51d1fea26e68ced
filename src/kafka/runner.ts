import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { ArchiverError, toArchiverError } from '../errors.js';
import type { Logger } from '../log.js';
import type { DeadLetter } from './records.js';
import { backoffMs } from './backoff.js';
import { mapByKey } from './keyed-concurrency.js';
import { startProgressWatchdog } from './progress-watchdog.js';
import type { Output, Publisher } from './publisher.js';
import type { Serde } from './serde.js';
import { groupName, topicName, type TopicKey } from './topics.js';

/** Where a record came from; handed to transforms for logging and to dead letters. */
export interface RecordMeta {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  timestamp: string;
}

export interface TransformContext {
  meta: RecordMeta;
  logger: Logger;
}

/**
 * A processor: a transform from one input record to zero or more outputs (`[]` = filtered out).
 * Pure stages ignore everything but the value; effectful stages (stage, import) perform an
 * idempotent effect first and then return what to publish.
 */
export interface ProcessorSpec<In> {
  name: string;
  input: TopicKey;
  transform(value: In, ctx: TransformContext): Promise<Output[]> | Output[];
  /** Called before consuming and after every rebalance (e.g. dedupe restores its state). */
  onAssigned?(): Promise<void>;
  /** Records handled per produce+commit round. */
  chunkSize?: number;
  /**
   * Distinct record keys worked on at once within a chunk (records of one key stay in order).
   * 1 (default) for stateful or cheap stages; I/O-bound stages (stage, import, hydrate) gain most.
   */
  keyConcurrency?: number;
  /**
   * 'key' (default): records of one key are worked on in order. 'none': every record is an
   * independent idempotent effect (stage writes one blob per item), so records of the same key
   * run at once too. Either way outputs are published in input order, so downstream order holds.
   */
  ordering?: 'key' | 'none';
  /** Extra outputs when a record is dead-lettered (e.g. a `failed` outcome naming the mailbox). */
  onDeadLetter?(value: In | undefined, err: ArchiverError): Output[];
  /**
   * Called once per chunk, after its outputs were durably published (`published` true, before the
   * commit) or after the chunk was abandoned (publish or a transform failed; kafkajs hands the same
   * records back, in this process or after a restart). A stateful stage keeps what a chunk changes
   * pending until then, so its in-memory state never runs ahead of Kafka (dedupe's seen set).
   */
  onChunkSettled?(partition: { topic: string; partition: number }, published: boolean): void;
}

export interface RunnerObserver {
  processed?(processor: string, count: number): void;
  failed?(processor: string, code: string): void;
  deadLettered?(processor: string, code: string): void;
  /** A processor waits on a credential or configuration fault (disposition `pause`), or goes on again. */
  paused?(processor: string, code: string, paused: boolean): void;
}

export interface RunningProcessor {
  name: string;
  /**
   * Resolves (never rejects) when the consumer crashed and kafkajs will not restart it (a
   * non-retriable error escaped the batch, e.g. a BAD_RECORD from the serializer while publishing
   * an output that does not match its schema). The processor then consumes nothing more while the
   * process stays up, so whoever runs it must stop and let the process be restarted. Never
   * resolves after `stop()`.
   */
  failed: Promise<ArchiverError>;
  stop(): Promise<void>;
}

interface RunnerDeps {
  kafka: Kafka;
  serde: Serde;
  publisher: Publisher;
  config: Pick<Config, 'topicPrefix' | 'processorConcurrency' | 'maxAttempts'>;
  logger: Logger;
  observer?: RunnerObserver;
  /** Start from the earliest offset when the group has no commit (default true: archive everything). */
  fromBeginning?: boolean;
  /** A consumer silent this long (no fetch, heartbeat or join) is reported failed (default 120 s; see progress-watchdog.ts). */
  stuckAfterMs?: number;
}

/**
 * The shared consume → transform → produce → commit loop. At-least-once: offsets are committed
 * only after the outputs of every record before them are durably in Kafka. Retriable errors are
 * retried in place with backoff (the partition waits; nothing is skipped); non-retriable ones send
 * the original record to the dead-letter topic with the reason, and the stage carries on.
 */
export async function runProcessor<In>(spec: ProcessorSpec<In>, deps: RunnerDeps): Promise<RunningProcessor> {
  const { kafka, serde, publisher, config, observer } = deps;
  const logger = deps.logger.child({ processor: spec.name });
  const consumer: Consumer = kafka.consumer({
    groupId: groupName(config, spec.name),
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    // The broker answers a fetch as soon as one byte is there (minBytes 1), so a longer wait costs
    // no latency; it only spares idle consumers (and the broker) ten empty fetches a second each.
    // Measured in the bench: 100 ms to 500 ms took Kafka from 20% to 11% of a core and raised
    // end-to-end items/s by about a quarter, p99 capture latency unchanged (about 1 s).
    maxWaitTimeInMs: 500,
    allowAutoTopicCreation: false,
  });
  let stopping = false;
  let assignedHook: Promise<void> | undefined;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (spec.onAssigned) assignedHook = spec.onAssigned();
  });
  // kafkajs restarts a crashed consumer only after a retriable error; after any other it logs
  // "Crash", leaves the group and stops for good, while the process lives on: a processor that died
  // silently. Surface that as `failed` so the service can stop and the process exit non-zero.
  let reportFailure!: (err: ArchiverError) => void;
  const failed = new Promise<ArchiverError>((resolve) => { reportFailure = resolve; });
  // kafkajs wraps what eachBatch threw and keeps only that error's own cause (an ArchiverError's
  // library error), so the code is kept here, to report BAD_RECORD rather than INTERNAL.
  let batchError: ArchiverError | undefined;
  const keepingBatchError = (each: (p: EachBatchPayload) => Promise<void>) => (p: EachBatchPayload) =>
    each(p).catch((err: unknown) => { batchError = toArchiverError(err); throw err; });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || stopping) return;
    const e = batchError?.message === payload.error.message ? batchError : toArchiverError(payload.error);
    logger.fatal({ code: e.code, err: e.message }, 'consumer crashed and kafkajs will not restart it: this processor stopped consuming');
    reportFailure(e);
  });
  // Silence for this long (no fetch, heartbeat or join) means the consumer is stuck: fail, to be restarted.
  const watchdog = startProgressWatchdog({
    staleMs: deps.stuckAfterMs ?? 120_000,
    onStale: (silentMs) => {
      if (stopping) return;
      logger.fatal({ silentMs }, 'consumer has not fetched, heartbeated or joined its group for too long: this processor is stuck');
      reportFailure(new ArchiverError('UNAVAILABLE', `consumer of ${spec.name} silent for ${Math.round(silentMs / 1000)} s (out of its group, not rejoining)`));
    },
  });
  for (const event of [consumer.events.FETCH_START, consumer.events.HEARTBEAT, consumer.events.GROUP_JOIN]) consumer.on(event, () => watchdog.alive());
  await consumer.connect();
  await consumer.subscribe({ topic: topicName(config, spec.input), fromBeginning: deps.fromBeginning ?? true });
  const chunkSize = spec.chunkSize ?? 100;

  async function handleOne(message: KafkaMessage, meta: RecordMeta, heartbeat: () => Promise<void>): Promise<Output[]> {
    let pausedOn: string | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        let value: In | undefined;
        try {
          if (!message.value) throw new ArchiverError('BAD_RECORD', 'record has no value (tombstone)');
          value = await serde.decode<In>(message.value);
          const out = await spec.transform(value, { meta, logger: logger.child({ partition: meta.partition, offset: meta.offset }) });
          if (pausedOn) logger.info({ partition: meta.partition, code: pausedOn }, 'credentials accepted again; no longer paused');
          return out;
        } catch (err) {
          const e = toArchiverError(err);
          observer?.failed?.(spec.name, e.code);
          // A refused credential or configuration fails every record alike: the partition waits
          // (never dead-letters) and says so, once, as an error and on the paused gauge.
          if (e.disposition === 'pause' && pausedOn !== e.code) {
            if (pausedOn) observer?.paused?.(spec.name, pausedOn, false);
            pausedOn = e.code;
            observer?.paused?.(spec.name, e.code, true);
            logger.error({ partition: meta.partition, offset: meta.offset, code: e.code, err: e.message }, 'paused: credentials or configuration refused; retrying until an operator fixes them');
          }
          if (!e.retriable) {
            logger.error({ partition: meta.partition, offset: meta.offset, code: e.code, err: e.message }, 'record can never succeed; sending it to the dead-letter topic');
            observer?.deadLettered?.(spec.name, e.code);
            return [deadLetterOutput(spec.name, meta, message, e, attempt), ...(spec.onDeadLetter?.(value, e) ?? [])];
          }
          if (stopping) throw e;
          const wait = backoffMs(attempt, { retryAfterSeconds: e.retryAfterSeconds, maxMs: 30_000 });
          const level = attempt >= config.maxAttempts ? 'error' : 'warn';
          logger[level]({ partition: meta.partition, offset: meta.offset, code: e.code, err: e.message, attempt, waitMs: wait }, 'retriable failure; retrying in place');
          await sleepWithHeartbeat(wait, heartbeat, () => stopping);
          if (stopping) throw e;
        }
      }
    } finally {
      if (pausedOn) observer?.paused?.(spec.name, pausedOn, false);
    }
  }

  await consumer.run({
    partitionsConsumedConcurrently: config.processorConcurrency,
    eachBatchAutoResolve: false,
    autoCommit: false,
    eachBatch: keepingBatchError(async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) => {
      if (assignedHook) await assignedHook;
      for (let i = 0; i < batch.messages.length; i += chunkSize) {
        if (!isRunning() || isStale() || stopping) return;
        const chunk = batch.messages.slice(i, i + chunkSize);
        let published = false;
        try {
          const perRecord = await mapByKey(chunk, spec.ordering === 'none' ? () => null : (m) => m.key?.toString('utf8') ?? null, spec.keyConcurrency ?? 1, (message) => {
            const meta: RecordMeta = { topic: batch.topic, partition: batch.partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, timestamp: message.timestamp };
            return handleOne(message, meta, heartbeat);
          });
          await publisher.publish(perRecord.flat());
          published = true;
        } finally {
          spec.onChunkSettled?.({ topic: batch.topic, partition: batch.partition }, published);
        }
        const last = chunk[chunk.length - 1]!;
        resolveOffset(last.offset);
        // Commit explicitly: the outputs of everything up to `last` are now durable.
        // The commit's metadata carries its time, so `status` can say when each group last moved.
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString(), metadata: new Date().toISOString() }]);
        observer?.processed?.(spec.name, chunk.length);
        await heartbeat();
      }
      await commitOffsetsIfNecessary();
    }),
  });

  return {
    name: spec.name,
    failed,
    async stop() {
      stopping = true;
      watchdog.stop();
      await consumer.disconnect();
    },
  };
}

function deadLetterOutput(processor: string, meta: RecordMeta, message: KafkaMessage, err: ArchiverError, attempts: number): Output {
  const value: DeadLetter = {
    processor,
    topic: meta.topic,
    partition: meta.partition,
    offset: meta.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    errorCode: err.code,
    errorMessage: err.message.slice(0, 2000),
    attempts,
    at: new Date().toISOString(),
  };
  return { topic: 'deadLetter', key: meta.key, value };
}

async function sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>, cancelled: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && !cancelled()) {
    await new Promise((r) => setTimeout(r, Math.min(1000, end - Date.now())));
    await heartbeat().catch(() => undefined);
  }
}
