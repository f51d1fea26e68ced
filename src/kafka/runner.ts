import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { ArchiverError, toArchiverError } from '../errors.js';
import type { Logger } from '../log.js';
import { backoffMs } from './backoff.js';
import { deadLetterOutput, failureOutcome, failureReason, parkedOutput, type FailedInput } from './failure-records.js';
import { isRedriven, parksOf, parkTier, shouldPark, splitDue, type ParkPolicy, type ParkTopic } from './park-policy.js';
import { mapByKey } from './keyed-concurrency.js';
import { splitIntoRuns } from './runs.js';
import { startProgressWatchdog } from './progress-watchdog.js';
import type { Output, Publisher } from './publisher.js';
import type { Serde } from './serde.js';
import { groupName, topicName, type RecordOf, type TopicKey } from './topics.js';

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
 * Where a processor sits in the pipeline and how its records are scheduled: the part of a
 * processor that src/pipeline/stages.ts declares for every stage, so that status, lag, replay and
 * the tests read the topology without building a processor.
 */
export interface ProcessorDecl<In extends TopicKey = TopicKey, Out extends TopicKey = TopicKey> {
  input: In;
  /** Every topic its transform may write to (dead letters and their outcomes come from the runner). */
  outputs: readonly Out[];
  /** Records handled per produce+commit round (default 100). */
  chunkSize?: number;
  /**
   * Input bytes per produce+commit round (default CHUNK_INPUT_BYTES; a larger record goes alone).
   * A chunk's outputs are held in memory until they are published, so a stage whose outputs grow
   * with its input (route: one task per participant) bounds its chunks by bytes, not only count.
   */
  chunkBytes?: number;
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
  /**
   * With ordering 'none': a chunk's records are still taken key by key, in runs of up to this
   * many, so an effect with a session per key does several records on one session in a row. Import
   * appends a mailbox's tasks on one IMAP connection: taken in arrival order across hundreds of
   * mailboxes, nearly every append needed a login (a new server session) of its own.
   */
  keyRuns?: number;
  /**
   * With ordering 'none': chunks of one partition worked on at once (default CHUNKS_IN_FLIGHT).
   * A chunk is committed only when its slowest record is done, so one large item (a 2 MB file
   * rendered and uploaded in blocks) holds its partition's progress while the chunks after it
   * wait to start; more in flight lets them run meanwhile.
   */
  chunksInFlight?: number;
  /**
   * With ordering 'key': records of one key whose `header` is one of `values` may be worked on at
   * once when they follow one another (outputs still in input order); any other record of the key
   * waits for those before it and holds up those after. Hydrate's message deliveries are reads
   * that need not queue behind one another in a busy room; a membership delivery changes what
   * the room's later messages see, so it stays in its place.
   */
  concurrentInKey?: { header: string; values: readonly string[] };
  /**
   * Non-blocking retry topics, shortest delay first, for a stage whose order does not matter: a
   * record still failing retriably after the quick attempts is parked on the first (then the next
   * on each park) and the partition moves on. The shell's `park` policy gives their delays.
   */
  retryTopics?: readonly ParkTopic[];
  /**
   * A retry topic's consumer: a record is handled no earlier than its timestamp plus this delay.
   * Until then its partition is paused (no fetches, no spinning) and resumed when it is due.
   */
  holdMs?: number;
}

/**
 * What a processor's shell (src/processors/<name>/index.ts) provides: a transform from one input
 * record to zero or more outputs (`[]` = filtered out), and hooks for stateful stages. Pure
 * stages ignore everything but the value; effectful stages (stage, import) perform an idempotent
 * effect first and then return what to publish. Method syntax on purpose: a list of processors of
 * different record types is then one list.
 */
export interface ProcessorShell<In extends TopicKey = TopicKey, Out extends TopicKey = TopicKey> {
  transform(value: RecordOf<In>, ctx: TransformContext): Promise<Output<Out>[]> | Output<Out>[];
  /** Called before consuming and after every rebalance (e.g. dedupe restores its state). */
  onAssigned?(): Promise<void>;
  /** Extra outputs when a record is dead-lettered (the runner itself writes its `failed` outcome). */
  onDeadLetter?(value: RecordOf<In> | undefined, err: ArchiverError): Output[];
  /**
   * Non-blocking retries, for a stage whose order does not matter (import): a record that still
   * fails retriably after `quickAttempts` in-place attempts (at once for a code whose disposition is park) is parked on a
   * retry topic with a `parked` outcome, and the partition moves on. Without it a retriable
   * failure is retried in place without end (backoff capped at 30 s), reported as a stall once
   * the attempts pass WXA_MAX_ATTEMPTS.
   */
  park?: ParkPolicy;
  /** Processors that run and stop with this one (import's retry consumers). */
  alongside?: readonly ProcessorSpec[];
  /**
   * Called once per chunk, after its outputs were durably published (`published` true, before the
   * commit) or after the chunk was abandoned (publish or a transform failed; kafkajs hands the same
   * records back, in this process or after a restart). A stateful stage keeps what a chunk changes
   * pending until then, so its in-memory state never runs ahead of Kafka (dedupe's seen set).
   */
  onChunkSettled?(partition: { topic: string; partition: number }, published: boolean): void;
}

/** A runnable processor: its name (also its consumer group), its declaration and its shell. */
export type ProcessorSpec<In extends TopicKey = TopicKey, Out extends TopicKey = TopicKey> = { name: string } & ProcessorDecl<In, Out> & ProcessorShell<In, Out>;

/** Default input bytes per chunk: many import tasks with inline items (64 KiB each) still fill a chunk of 50. */
export const CHUNK_INPUT_BYTES = 4 * 1024 * 1024;

/** Chunks of one partition worked on at once when its records are independent (ordering 'none'). */
export const CHUNKS_IN_FLIGHT = 2;

export interface RunnerObserver {
  processed?(processor: string, count: number): void;
  failed?(processor: string, code: string): void;
  deadLettered?(processor: string, code: string): void;
  parked?(processor: string, code: string): void;
  /** A record retried in place past WXA_MAX_ATTEMPTS (`since` set), or no longer (`since` null). */
  stalled?(processor: string, record: string, since: number | null): void;
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
export async function runProcessor<In extends TopicKey, Out extends TopicKey>(spec: ProcessorSpec<In, Out>, deps: RunnerDeps): Promise<RunningProcessor> {
  const main = await runOne(spec, deps);
  if (!spec.alongside?.length) return main;
  const all = [main];
  for (const s of spec.alongside) all.push(await runOne(s, deps));
  return {
    name: main.name,
    failed: Promise.race(all.map((r) => r.failed)),
    async stop() { for (const r of [...all].reverse()) await r.stop(); },
  };
}

async function runOne<In extends TopicKey, Out extends TopicKey>(spec: ProcessorSpec<In, Out>, deps: RunnerDeps): Promise<RunningProcessor> {
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
  // Independent records (ordering 'none': stage's blobs, import's appends) need not wait for the
  // chunk before theirs: the next chunk is worked on while one is finishing, publishing and
  // committing, so neither a chunk's slowest item nor a produce and commit round trip leaves the
  // partition idle. Outputs and commits still go chunk by chunk, in input order. Records of one
  // key that must stay in order (and stateful stages, whose pending state follows each chunk)
  // keep one chunk at a time.
  const chunksInFlight = spec.ordering === 'none' && !spec.onChunkSettled ? (spec.chunksInFlight ?? CHUNKS_IN_FLIGHT) : 1;
  const byKey = (m: KafkaMessage) => m.key?.toString('utf8') ?? null;
  const keyOf = spec.ordering !== 'none' || spec.keyRuns !== undefined ? byKey : () => null;
  const runLength = spec.ordering === 'none' ? (spec.keyRuns ?? 1) : Infinity;
  const inKey = spec.ordering === 'none' ? undefined : spec.concurrentInKey;
  const together = inKey ? (m: KafkaMessage) => inKey.values.includes(headerText(m.headers?.[inKey.header])) : undefined;

  // Keys (mailboxes) whose record was parked a moment ago: their next records park at once, so a
  // mailbox that refuses everything costs its partition no quick attempts per item.
  const parkedKeys = new Map<string, number>();
  const holdTimers = new Set<NodeJS.Timeout>();
  // When this process last committed each partition, for the stall notice below.
  const lastCommitAt = new Map<string, string>();

  /**
   * Says in Kafka itself that a partition is stalled, so `status` (any process, after any restart)
   * shows it: the partition's offset is committed again where it stands, the first record of the
   * chunk being worked on (everything before it is published and committed or resolved), with
   * metadata `stalledSince=…;code=…` (ops/lag.ts parses it). The next real commit replaces it.
   */
  async function commitStall(topic: string, partition: number, chunkStart: string, since: number, code: string): Promise<void> {
    const committedAt = lastCommitAt.get(`${topic}:${partition}`);
    const metadata = [committedAt ? `committedAt=${committedAt}` : null, `stalledSince=${new Date(since).toISOString()}`, `code=${code}`].filter(Boolean).join(';');
    await consumer.commitOffsets([{ topic, partition, offset: chunkStart, metadata }]).catch((err: unknown) => {
      logger.warn({ partition, err: (err as Error).message }, 'could not note the stall in the group\'s commit metadata');
    });
  }

  async function handleOne(message: KafkaMessage, meta: RecordMeta, heartbeat: () => Promise<void>, chunkStart: () => string): Promise<Output[]> {
    const failedInput: FailedInput = { processor: spec.name, ...meta, message };
    const parks = parksOf(message);
    const stallId = `${meta.topic}[${meta.partition}]@${meta.offset}`;
    let stalledSince: number | undefined;
    const unstall = () => { if (stalledSince !== undefined) observer?.stalled?.(spec.name, stallId, null); };
    let pausedOn: string | undefined;
    try {
    for (let attempt = 1; ; attempt++) {
      let value: RecordOf<In> | undefined;
      try {
        if (!message.value) throw new ArchiverError('BAD_RECORD', 'record has no value (tombstone)');
        value = await serde.decode<RecordOf<In>>(message.value);
        // A record coming back (from a retry topic, or sent by an operator's redrive) always gets its attempts.
        if (spec.park && parks === 0 && !isRedriven(message) && meta.key !== null && (parkedKeys.get(meta.key) ?? 0) > Date.now()) {
          throw new ArchiverError('MAILBOX_UNAVAILABLE', `an earlier item of ${meta.key} was parked a moment ago`);
        }
        // Output<Out> is one of Output's members for every Out; TypeScript cannot see that of a generic.
        const out = await spec.transform(value, { meta, logger: logger.child({ partition: meta.partition, offset: meta.offset }) }) as Output[];
        if (pausedOn) logger.info({ partition: meta.partition, code: pausedOn }, 'credentials accepted again; no longer paused');
        if (meta.key !== null) parkedKeys.delete(meta.key);
        unstall();
        return out;
      } catch (err) {
        const e = toArchiverError(err);
        observer?.failed?.(spec.name, e.code);
        const now = new Date();
        // A refused credential or configuration fails every record alike: the partition waits
        // (never dead-letters, never parks) and says so, once, as an error and on the paused gauge.
        if (e.disposition === 'pause' && pausedOn !== e.code) {
          if (pausedOn) observer?.paused?.(spec.name, pausedOn, false);
          pausedOn = e.code;
          observer?.paused?.(spec.name, e.code, true);
          logger.error({ partition: meta.partition, offset: meta.offset, code: e.code, err: e.message }, 'paused: credentials or configuration refused; retrying until an operator fixes them');
        }
        if (!e.retriable) {
          unstall();
          logger.error({ partition: meta.partition, offset: meta.offset, code: e.code, err: e.message }, 'record can never succeed; sending it to the dead-letter topic');
          observer?.deadLettered?.(spec.name, e.code);
          return [deadLetterOutput(failedInput, e, attempt, now), failureOutcome('failed', failedInput, value, failureReason(e), now), ...(spec.onDeadLetter?.(value, e) ?? [])];
        }
        if (value !== undefined && shouldPark(spec.park, e, attempt)) {
          const { topic, dueAt: due } = parkTier(spec.park, parks, now);
          if (meta.key !== null) parkedKeys.set(meta.key, Math.min(due.getTime(), now.getTime() + 60_000));
          logger.warn({ partition: meta.partition, offset: meta.offset, code: e.code, err: e.message, attempt, parks: parks + 1, dueAt: due.toISOString() }, 'retriable failure; parking the record on a retry topic');
          observer?.parked?.(spec.name, e.code);
          const reason = `${failureReason(e)} (parked ${parks + 1}x, due ${due.toISOString()})`;
          return [parkedOutput(failedInput, e, topic, parks + 1, now, due), failureOutcome('parked', failedInput, value, reason, now)];
        }
        if (stopping) throw e;
        const wait = backoffMs(attempt, { retryAfterSeconds: e.retryAfterSeconds, maxMs: 30_000 });
        const stalled = attempt >= config.maxAttempts;
        if (stalled && stalledSince === undefined) {
          stalledSince = Date.now();
          observer?.stalled?.(spec.name, stallId, stalledSince);
          await commitStall(meta.topic, meta.partition, chunkStart(), stalledSince, e.code);
        }
        // Past WXA_MAX_ATTEMPTS the partition is stalled: an error for whoever watches the logs,
        // and webex_archiver_processor_stalled for the dashboards; it keeps trying (order matters).
        logger[stalled ? 'error' : 'warn']({ partition: meta.partition, offset: meta.offset, code: e.code, err: e.message, attempt, waitMs: wait }, stalled ? 'retriable failure past WXA_MAX_ATTEMPTS: partition stalled, retrying in place' : 'retriable failure; retrying in place');
        await sleepWithHeartbeat(wait, heartbeat, () => stopping);
        if (stopping) { unstall(); throw e; }
      }
    }
    } finally {
      if (pausedOn) observer?.paused?.(spec.name, pausedOn, false);
    }
  }

  /** Pauses a retry topic's partition until its head record is due, then resumes it (kafkajs refetches from the last resolved offset). */
  function holdPartition(topic: string, partition: number, ms: number): void {
    consumer.pause([{ topic, partitions: [partition] }]);
    // Wake at least once a minute: a resumed partition whose head is still not due pauses again.
    const timer = setTimeout(() => { holdTimers.delete(timer); if (!stopping) consumer.resume([{ topic, partitions: [partition] }]); }, Math.max(50, Math.min(ms, 60_000)));
    holdTimers.add(timer);
  }

  await consumer.run({
    partitionsConsumedConcurrently: config.processorConcurrency,
    eachBatchAutoResolve: false,
    autoCommit: false,
    eachBatch: keepingBatchError(async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) => {
      if (assignedHook) await assignedHook;
      let messages = batch.messages;
      if (spec.holdMs !== undefined) {
        const now = Date.now();
        const { due, nextDueAt } = splitDue(messages, spec.holdMs, now);
        if (nextDueAt !== null) holdPartition(batch.topic, batch.partition, nextDueAt - now);
        messages = [...due];
      }
      const chunks = splitIntoRuns(messages, (m) => m.value?.length ?? 0, { maxCount: chunkSize, maxBytes: spec.chunkBytes ?? CHUNK_INPUT_BYTES });
      // Chunks being worked on, oldest first; each is published and committed strictly in order.
      const pending: { chunk: KafkaMessage[]; work: Promise<Output[]> }[] = [];
      // A stall notice commits where the oldest chunk not yet committed starts, never a later one.
      const oldestUnsettled = (own: string) => pending[0]?.chunk[0]?.offset ?? own;
      const settleOldest = async () => {
        const { chunk, work } = pending.shift()!;
        let published = false;
        try {
          await publisher.publish(await work);
          published = true;
        } finally {
          spec.onChunkSettled?.({ topic: batch.topic, partition: batch.partition }, published);
        }
        const last = chunk[chunk.length - 1]!;
        resolveOffset(last.offset);
        // Commit explicitly: the outputs of everything up to `last` are now durable.
        // The commit's metadata carries its time, so `status` can say when each group last moved.
        const committedAt = new Date().toISOString();
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString(), metadata: committedAt }]);
        lastCommitAt.set(`${batch.topic}:${batch.partition}`, committedAt);
        observer?.processed?.(spec.name, chunk.length);
        await heartbeat();
      };
      try {
        for (const chunk of chunks) {
          if (!isRunning() || isStale() || stopping) return;
          const work = mapByKey(chunk, keyOf, spec.keyConcurrency ?? 1, (message) => {
            const meta: RecordMeta = { topic: batch.topic, partition: batch.partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, timestamp: message.timestamp };
            return handleOne(message, meta, heartbeat, () => oldestUnsettled(chunk[0]!.offset));
          }, { runLength, together }).then((perRecord) => perRecord.flat());
          pending.push({ chunk, work });
          if (pending.length >= chunksInFlight) await settleOldest();
        }
        while (pending.length > 0) {
          if (!isRunning() || isStale()) return;
          await settleOldest();
        }
      } finally {
        // A chunk left behind (stopping, a revoked partition, a failure before it) is redone by
        // whoever consumes the partition next; its effects are idempotent, its outputs dropped.
        for (const p of pending.splice(0)) p.work.catch(() => undefined);
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
      for (const t of holdTimers) clearTimeout(t);
      await consumer.disconnect();
    },
  };
}

async function sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>, cancelled: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && !cancelled()) {
    await new Promise((r) => setTimeout(r, Math.min(1000, end - Date.now())));
    await heartbeat().catch(() => undefined);
  }
}

/** A kafkajs header value as text ('' when absent). */
function headerText(v: Buffer | string | (Buffer | string)[] | undefined): string {
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? '' : one.toString();
}
