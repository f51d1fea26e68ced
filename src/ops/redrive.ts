import type { Kafka } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { identify } from '../kafka/failure-records.js';
import { bySendBudget, type Publisher } from '../kafka/publisher.js';
import { readTopicToEnd } from '../kafka/read-topic.js';
import type { DeadLetter, Outcome, OutcomeKind, ParkedRecord, RedriveEntry } from '../kafka/records.js';
import { REDRIVEN_FROM_HEADER } from '../kafka/park-policy.js';
import type { Serde } from '../kafka/serde.js';
import { groupName, topicKeyOf, topicName, type TopicKey } from '../kafka/topics.js';
import { readTopic } from '../kafka/read-topic.js';
import { STAGES } from '../pipeline/stages.js';
import { retryConsumers } from '../processors/import/retry.js';
import { selectForRedrive, type RedriveCandidate, type RedriveFilter, type RedriveSelection } from './redrive-plan.js';

export interface RedriveDeps { kafka: Kafka; serde: Serde; publisher: Publisher; config: Pick<Config, 'topicPrefix'> }



/**
 * Every dead letter, or with `parked` every parked record its retry consumer has not yet sent
 * back (offsets at or after that consumer's committed one), as redrive candidates with the ids of
 * the item they hold (decoded from the original bytes where they decode).
 */
export async function collectCandidates(deps: RedriveDeps, opts: { parked?: boolean } = {}): Promise<RedriveCandidate[]> {
  const out: RedriveCandidate[] = [];
  const add = async (source: string, r: DeadLetter | ParkedRecord, at: string) => {
    let value: unknown;
    try { value = r.value ? await deps.serde.decode(Buffer.from(r.value)) : undefined; } catch { value = undefined; }
    const ids = identify(value);
    out.push({
      source, origin: `${r.topic}:${r.partition}:${r.offset}`, originTopic: r.topic, processor: r.processor, code: r.errorCode, at,
      itemId: ids?.itemId ?? `${r.topic}:${r.partition}:${r.offset}`, webexMessageId: ids?.webexMessageId ?? '', mailbox: ids?.mailbox ?? null,
      key: r.key ? Buffer.from(r.key) : null, value: r.value ? Buffer.from(r.value) : null,
    });
  };
  if (!opts.parked) {
    const topic = topicName(deps.config, 'deadLetter');
    const records: [string, DeadLetter][] = [];
    await readTopicToEnd<DeadLetter>(deps.kafka, deps.serde, topic, (v, _k, p, o) => { if (v) records.push([`${topic}:${p}:${o}`, v]); });
    for (const [source, d] of records) await add(source, d, d.at);
    return out;
  }
  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    for (const t of retryConsumers(STAGES.import.retryTopics)) {
      const topic = topicName(deps.config, t.topic);
      const [committed] = await admin.fetchOffsets({ groupId: groupName(deps.config, t.name), topics: [topic] });
      const from = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      const records: [string, ParkedRecord][] = [];
      await readTopicToEnd<ParkedRecord>(deps.kafka, deps.serde, topic, (v, _k, p, o) => { if (v && BigInt(o) >= (from.get(p) ?? -1n)) records.push([`${topic}:${p}:${o}`, v]); });
      for (const [source, r] of records) await add(source, r, r.parkedAt);
    }
  } finally {
    await admin.disconnect();
  }
  return out;
}

export async function readLedger(deps: Pick<RedriveDeps, 'kafka' | 'serde' | 'config'>): Promise<Set<string>> {
  const done = new Set<string>();
  await readTopicToEnd<RedriveEntry>(deps.kafka, deps.serde, topicName(deps.config, 'redriveLedger'), (v, key) => { if (v) done.add(v.source); else if (key) done.delete(key); });
  return done;
}

export interface RedrivePlan extends RedriveSelection { candidates: number; foreign: RedriveCandidate[] }

/** What a redrive would send: the selection, less records whose origin is not a topic of this pipeline (another prefix). */
export async function planRedrive(deps: RedriveDeps, opts: { parked?: boolean; filter: RedriveFilter }): Promise<RedrivePlan> {
  const [candidates, ledger] = await Promise.all([collectCandidates(deps, opts), readLedger(deps)]);
  const selection = selectForRedrive(candidates, opts.filter, ledger);
  const foreign = selection.selected.filter((c) => !topicKeyOf(deps.config, c.originTopic) || !c.value);
  return { ...selection, selected: selection.selected.filter((c) => !foreign.includes(c)), foreign, candidates: candidates.length };
}

/**
 * Sends each selected record back to its origin topic with its original key and bytes (the
 * schema id they were written with), then notes it in the ledger. The ledger entry is written
 * only after the send was acknowledged: a redrive killed in between sends that record again next
 * time, which the idempotent stages absorb (dedupe drops a repeated version, import finds the
 * Message-ID), and never loses one.
 */
export async function sendBack(deps: RedriveDeps, selected: readonly RedriveCandidate[], progress?: (sent: number) => void): Promise<number> {
  const producer = deps.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let sent = 0;
  try {
    const records = selected.map((c) => ({ c, key: c.key ? c.key.toString('utf8') : null, value: c.value! }));
    for (const part of bySendBudget(records)) {
      const byTopic = new Map<string, typeof part>();
      for (const r of part) byTopic.set(r.c.originTopic, [...(byTopic.get(r.c.originTopic) ?? []), r]);
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, rs]) => ({ topic, messages: rs.map((r) => ({ key: r.key, value: r.value, headers: { [REDRIVEN_FROM_HEADER]: r.c.source } })) })) });
      const now = new Date().toISOString();
      await deps.publisher.publish(part.map((r) => ({ topic: 'redriveLedger' as const, key: r.c.source, value: { source: r.c.source, origin: r.c.origin, processor: r.c.processor, itemId: r.c.itemId, redrivenAt: now } })));
      sent += part.length;
      progress?.(sent);
    }
  } finally {
    await producer.disconnect();
  }
  return sent;
}

export interface RedriveFate { counts: Partial<Record<OutcomeKind, number>>; withoutOutcome: string[] }

/**
 * What became of redriven items: the outcomes written for their item ids since `sinceMs`, waited
 * for until every item has one or `timeoutMs` passed. An item fanned out to several mailboxes
 * counts once per copy (imported for alice, duplicate for bob), in its latest state.
 */
export async function awaitFate(deps: Pick<RedriveDeps, 'kafka' | 'serde' | 'config'>, itemIds: readonly string[], sinceMs: number, timeoutMs: number): Promise<RedriveFate> {
  const deadline = Date.now() + timeoutMs;
  const wanted = new Set(itemIds);
  let previous = -1;
  for (;;) {
    const latest = new Map<string, Outcome>();
    await readTopic<Outcome>(deps.kafka, deps.serde, topicName(deps.config, 'outcomes'), (o) => {
      if (!o || !wanted.has(o.itemId) || Date.parse(o.at) < sinceMs) return;
      const copy = `${o.itemId}\u0000${o.mailbox ?? o.processor}`;
      const prev = latest.get(copy);
      if (!prev || prev.at <= o.at) latest.set(copy, o);
    }, { sinceMs, timeoutMs: 120_000 });
    const seen = new Set([...latest.values()].map((o) => o.itemId));
    const withoutOutcome = itemIds.filter((i) => !seen.has(i));
    // Every item has an outcome and no further copy reported since the last look (fan-out).
    const settled = withoutOutcome.length === 0 && latest.size === previous;
    previous = latest.size;
    if (settled || Date.now() >= deadline) {
      const counts: Partial<Record<OutcomeKind, number>> = {};
      for (const o of latest.values()) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
      return { counts, withoutOutcome };
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
