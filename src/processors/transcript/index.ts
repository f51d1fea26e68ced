import type { EmailPlan } from '../../kafka/records.js';
import { topicName } from '../../kafka/topics.js';
import { readTopic } from '../../kafka/read-topic.js';
import type { Runtime } from '../../runtime.js';
import { dayRange, isTranscriptPlan, toTranscriptPlans } from './transform.js';

/**
 * The transcript job for one closed UTC day: read the deduped plans (webex.unique.v1), build one
 * transcript per room, and publish them to webex.converted.v1, so dedupe drops a rerun's identical
 * transcript before it costs a render, and limit, stage, route and import treat the rest like any
 * plan (size limit, staging, user mapping, Message-ID lookup). Transcripts read back are ignored.
 *
 * A version is captured after it happened, so its record was written after its day began: the
 * read starts at the day's start by Kafka's time index (minus an hour for clocks that disagree)
 * and runs to the end offsets seen at the start. Crash-safe by construction: nothing is
 * committed, and a rerun publishes the same transcripts (same item ids, same Message-IDs).
 */
export const CLOCK_SLACK_MS = 3_600_000;

export interface TranscriptRun {
  day: string;
  /** Records read from webex.unique.v1. */
  read: number;
  /** Message versions of the day that the transcripts show. */
  versions: number;
  transcripts: EmailPlan[];
}

export async function runTranscriptJob(
  rt: Pick<Runtime, 'kafka' | 'serde' | 'publisher' | 'config'>,
  day: string,
  opts: { progress?: (p: { read: number; versions: number }) => void } = {},
): Promise<TranscriptRun> {
  const { start, end } = dayRange(day);
  const versions: EmailPlan[] = [];
  let seen = 0;
  const read = await readTopic<EmailPlan>(rt.kafka, rt.serde, topicName(rt.config, 'unique'), (plan) => {
    // Only what the day's transcripts need is kept: a long read holds one day, not the retention.
    if (plan && !isTranscriptPlan(plan)) {
      const at = Date.parse(plan.versionAt);
      if (at >= start && at < end) versions.push(plan);
    }
    opts.progress?.({ read: ++seen, versions: versions.length });
  }, { sinceMs: start - CLOCK_SLACK_MS, timeoutMs: 30 * 60_000 });
  const transcripts = toTranscriptPlans(versions, day, { maxItemBytes: rt.config.maxItemBytes });
  await rt.publisher.publish(transcripts.map((t) => ({ topic: 'converted' as const, key: t.roomId, value: t })));
  return { day, read, versions: new Set(versions.map((v) => v.itemId)).size, transcripts };
}
