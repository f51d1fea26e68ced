import type { Admin, Kafka } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { ArchiverError } from '../errors.js';
import type { Logger } from '../log.js';
import { groupName, topicName } from '../kafka/topics.js';
import { partitionsForMailbox, type ReplayRequest } from './replay-plan.js';
import { STAGES } from '../pipeline/stages.js';
import { fetchTopicOffsets, fetchTopicOffsetsByTimestamp } from '../kafka/admin-offsets.js';

export interface ReplayResult {
  processor: string;
  groupId: string;
  topic: string;
  target: string;
  mailbox: string | null;
  partitions: { partition: number; from: string | null; to: string }[];
  waitedMs: number;
}

export interface ReplayOptions {
  /** How long to wait for the group to become idle (0: check once). */
  waitTimeoutMs?: number;
  pollMs?: number;
  progress?: (line: string) => void;
}

// kafkajs setOffsets refuses unless the group is Empty (or Dead: it never existed or expired).
const IDLE_STATES = new Set(['Empty', 'Dead']);

/**
 * Moves a processor's committed offsets back (or forward) so its records flow again. The group
 * must be idle: Kafka only lets a group's own members commit while it has any, and moving offsets
 * under a running consumer would be overwritten by its next commit. We wait, reporting progress,
 * until it has no members, or fail with a message telling the operator to stop the processor.
 */
export async function replay(deps: { kafka: Kafka; config: Pick<Config, 'topicPrefix'>; logger?: Logger }, req: ReplayRequest, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const groupId = groupName(deps.config, req.processor);
  const topic = topicName(deps.config, STAGES[req.processor].input);
  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    const waitedMs = await waitForIdle(admin, groupId, req.processor, opts);
    const ends = await fetchTopicOffsets(admin, topic);
    const chosen = req.mailbox ? new Set(partitionsForMailbox(req.mailbox, ends.length)) : undefined;
    const targets = req.target.kind === 'earliest'
      ? ends.map((e) => ({ partition: e.partition, offset: e.low }))
      : await fetchTopicOffsetsByTimestamp(admin, topic, req.target.at.getTime());
    const partitions = targets.filter((t) => !chosen || chosen.has(t.partition)).sort((a, b) => a.partition - b.partition);
    const [before] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const fromOf = new Map((before?.partitions ?? []).map((p) => [p.partition, Number(p.offset) >= 0 ? p.offset : null]));
    try {
      await admin.setOffsets({ groupId, topic, partitions });
    } catch (err) {
      if (/no running instances/i.test((err as Error).message)) {
        throw new ArchiverError('TIMEOUT', `group ${groupId} became busy again; stop every "${req.processor}" processor and retry`, { cause: err });
      }
      throw err;
    }
    const result: ReplayResult = {
      processor: req.processor,
      groupId,
      topic,
      target: req.target.kind === 'earliest' ? 'earliest' : req.target.at.toISOString(),
      mailbox: req.mailbox ?? null,
      partitions: partitions.map((p) => ({ partition: p.partition, from: fromOf.get(p.partition) ?? null, to: p.offset })),
      waitedMs,
    };
    deps.logger?.info({ processor: req.processor, groupId, topic, target: result.target, mailbox: result.mailbox, partitions: result.partitions }, 'replay: offsets moved');
    return result;
  } finally {
    await admin.disconnect();
  }
}

async function waitForIdle(admin: Admin, groupId: string, processor: string, opts: ReplayOptions): Promise<number> {
  const started = Date.now();
  const timeout = opts.waitTimeoutMs ?? 0;
  const poll = opts.pollMs ?? 2_000;
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    const g = groups[0];
    const state = g?.state ?? 'Dead';
    if (IDLE_STATES.has(state)) return Date.now() - started;
    const members = g?.members.length ?? 0;
    const waited = Date.now() - started;
    if (waited >= timeout) {
      throw new ArchiverError('TIMEOUT', `group ${groupId} is ${state} with ${members} member(s); stop every "${processor}" processor (webex-archiver run ${processor}) and replay again`);
    }
    opts.progress?.(`waiting for ${groupId} to be idle: ${state}, ${members} member(s), ${Math.round(waited / 1000)}s of ${Math.round(timeout / 1000)}s`);
    await new Promise((r) => setTimeout(r, Math.min(poll, Math.max(1, timeout - waited))));
  }
}
