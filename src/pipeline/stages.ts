import type { ProcessorDecl } from '../kafka/runner.js';
import { RESOURCE_HEADER } from '../kafka/records.js';

/**
 * The pipeline as declared: every processor in pipeline order, its input topic, the topics it
 * writes, and how its records are scheduled. The topics themselves (record type, schema, key) are
 * the catalog in src/kafka/topics.ts. This is the one place the topology is written: the service,
 * `run`, status, lag, replay, the dashboard, the tests' pipeline helper and the bench read it, and
 * src/pipeline/processors.ts makes the compiler hold every processor's shell to its entry here
 * (input record type, declared outputs). Data only, so reading it costs no connection. A stage
 * without `retryTopics` keeps its order: it retries in place and reports a stall.
 */
export const STAGES = {
  // One Webex read per delivery (message, room, memberships, files); 4 rooms at once. A room's
  // message deliveries that follow one another are read at once too (up to 4): in one busy room
  // they queued behind each other, the largest hop of capture latency. A membership or room
  // delivery still waits for the room's earlier ones and holds up the later ones.
  hydrate: { input: 'webhooks', outputs: ['raw', 'memberships'], chunkSize: 50, keyConcurrency: 4, concurrentInKey: { header: RESOURCE_HEADER, values: ['messages'] } },
  convert: { input: 'raw', outputs: ['converted', 'outcomes'] },
  // Stateful (the seen set): one record after another per partition.
  dedupe: { input: 'converted', outputs: ['unique', 'dedupeState'] },
  limit: { input: 'unique', outputs: ['limited', 'outcomes'] },
  // Each item is its own deterministic blob, so a room's items need not be rendered one by one
  // (the shell makes a repeat of the same item wait for the first). A whole chunk at once: the
  // shell bounds the blob writes per process (stageWriteSlots), not per partition.
  // Four chunks in flight: a chunk with one large item (uploaded in blocks) no longer stops the
  // partition's next chunks from starting; the process's write slots still bound the blob writes.
  stage: { input: 'limited', outputs: ['staged'], chunkSize: 50, keyConcurrency: 50, ordering: 'none', chunksInFlight: 4 },
  // A staged item's outputs grow with its participants (one import task each): chunks of at most
  // 1 MiB of input, such as one item of a 5,000-member space, stay a few MB of tasks in memory.
  route: { input: 'staged', outputs: ['imports', 'outcomes'], chunkBytes: 1024 * 1024 },
  // Items of one mailbox are independent appends, each checked by Message-ID first, so they run at
  // once too (up to 8 lanes per chunk, on up to 2 IMAP connections per mailbox or Graph's 4
  // requests in flight): queued behind one another, a mailbox that is in every space was the tail
  // of capture latency. The shell makes the same item twice wait for the first. A chunk is still
  // taken mailbox by mailbox, in runs of up to 16 tasks (keyRuns), and chunks are large, so a
  // connection appends a run in a row: in arrival order over 500 mailboxes nearly every other
  // append needed a login of its own (README, Benchmark).
  // Its order does not matter, so a task that still fails after a few quick attempts is parked on
  // these retry topics, shortest delay first (WXA_IMPORT_RETRY_DELAYS), and the partition moves on:
  // one full or refusing mailbox never holds up the others (docs/operations.md).
  import: { input: 'imports', outputs: ['outcomes'], chunkSize: 400, keyConcurrency: 8, ordering: 'none', keyRuns: 16, retryTopics: ['importsRetry1', 'importsRetry2', 'importsRetry3'] },
} as const satisfies Record<string, ProcessorDecl>;

export type StageName = keyof typeof STAGES;
export type InputOf<N extends StageName> = (typeof STAGES)[N]['input'];
export type OutputsOf<N extends StageName> = (typeof STAGES)[N]['outputs'][number];

/** Every processor in pipeline order (the declaration's order); `run all` starts them so. */
export const STAGE_NAMES = Object.keys(STAGES) as StageName[];

export function isStageName(name: string): name is StageName {
  return Object.prototype.hasOwnProperty.call(STAGES, name);
}
