import type { Kafka } from 'kafkajs';
import type { Config } from '../config/schema.js';
import type { ImportTask, Outcome, StagedItem } from '../kafka/records.js';
import type { Serde } from '../kafka/serde.js';
import { topicName } from '../kafka/topics.js';
import { utcDayStart } from './outcome-rows.js';
import { readTopic } from '../kafka/read-topic.js';
import { buildDailyLog, parseDay, type DailyLog, type StagedSeen, type TaskSeen } from './status-log.js';

/**
 * Reads what the daily log needs from Kafka (staged items and import tasks of the days asked for,
 * outcomes from the first day until now, because a copy routed late on one day may be imported
 * the next) and builds the log. Only ids and times are kept in memory, never rendered content.
 */
export async function readDailyLog(deps: { kafka: Kafka; serde: Serde; config: Pick<Config, 'topicPrefix'> }, opts: { sinceDay?: string; now?: Date } = {}): Promise<DailyLog> {
  const now = opts.now ?? new Date();
  const toDay = new Date(utcDayStart(now)).toISOString().slice(0, 10);
  const fromDay = opts.sinceDay ?? toDay;
  const fromMs = parseDay(fromDay);
  if (fromMs > parseDay(toDay)) throw new RangeError(`--since ${fromDay} is after today (${toDay})`);
  const staged: StagedSeen[] = [];
  const tasks: TaskSeen[] = [];
  const outcomes: Outcome[] = [];
  const topic = (k: 'staged' | 'imports' | 'outcomes') => topicName(deps.config, k);
  const since = { sinceMs: fromMs, timeoutMs: 120_000 };
  await Promise.all([
    readTopic<StagedItem>(deps.kafka, deps.serde, topic('staged'), (v, info) => { if (v) staged.push({ itemId: v.itemId, at: info.timestamp }); }, since),
    readTopic<ImportTask>(deps.kafka, deps.serde, topic('imports'), (v, info) => { if (v) tasks.push({ itemId: v.itemId, mailbox: v.mailbox, at: info.timestamp }); }, since),
    readTopic<Outcome>(deps.kafka, deps.serde, topic('outcomes'), (v) => { if (v) outcomes.push(v); }, since),
  ]);
  return buildDailyLog({ staged, tasks, outcomes }, { fromDay, toDay, now });
}
