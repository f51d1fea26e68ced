import type { EmailPlan } from '../../kafka/records.js';
import { topicName } from '../../kafka/topics.js';
import { readTopic } from '../../kafka/read-topic.js';
import type { Runtime } from '../../runtime.js';
import type { Output } from '../../kafka/publisher.js';
import { dayOf, isLateCandidate, rebuiltOutcomes, roomDayKey, transcriptDayOf, versionRef, type BuiltRoomDay, type CapturedVersion } from './late-versions.js';
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
 * The same read finds versions of earlier days captured since this day began: their room-days
 * are built again (late-versions.ts), so a version that arrives after its day's transcript still
 * reaches the mailboxes, in a new transcript version with a `rebuilt` outcome saying so.
 */
export const CLOCK_SLACK_MS = 3_600_000;

export interface TranscriptRun {
  day: string;
  /** Records read from webex.unique.v1. */
  read: number;
  /** Message versions of the day that the transcripts show. */
  versions: number;
  transcripts: EmailPlan[];
  /** Room-days of earlier days built again for versions captured after them (late-versions.ts). */
  rebuilt: TranscriptSummary[];
  /** `rebuilt` outcomes published: late versions that made a new transcript version. */
  lateVersions: number;
}

/** One published transcript as the CLI reports it (rebuilt days are not kept whole in memory). */
export interface TranscriptSummary { day: string; roomId: string; items: number; participants: number; messageId: string }

export function summaryOf(t: EmailPlan): TranscriptSummary {
  const header = (name: string) => t.headers.find((h) => h.name === name)?.value ?? '';
  return { day: header('X-Webex-Transcript-Day'), roomId: t.roomId, items: Number(header('X-Webex-Transcript-Items')), participants: t.participants.length, messageId: t.messageId };
}

export async function runTranscriptJob(
  rt: Pick<Runtime, 'kafka' | 'serde' | 'publisher' | 'config'>,
  day: string,
  opts: { progress?: (p: { read: number; versions: number }) => void } = {},
): Promise<TranscriptRun> {
  const { start, end } = dayRange(day);
  const versions: EmailPlan[] = [];
  const late = new Map<string, CapturedVersion[]>();
  let seen = 0;
  const read = await readTopic<EmailPlan>(rt.kafka, rt.serde, topicName(rt.config, 'unique'), (plan, info) => {
    // Only what the day's transcripts need is kept: a long read holds one day, not the retention.
    if (plan && !isTranscriptPlan(plan)) {
      const at = Date.parse(plan.versionAt);
      if (at >= start && at < end) versions.push(plan);
      else if (isLateCandidate(plan, info.timestamp, start)) pushTo(late, roomDayKey(plan.roomId, dayOf(plan.versionAt)), { plan: versionRef(plan), timestamp: info.timestamp });
    }
    opts.progress?.({ read: ++seen, versions: versions.length });
  }, { sinceMs: start - CLOCK_SLACK_MS, timeoutMs: READ_TIMEOUT_MS });
  const transcripts = toTranscriptPlans(versions, day, { maxItemBytes: rt.config.maxItemBytes });
  await rt.publisher.publish(transcripts.map((t) => ({ topic: 'converted' as const, key: t.roomId, value: t })));
  const rebuilt: TranscriptSummary[] = [];
  let lateVersions = 0;
  // One earlier day at a time, each with its own read, so memory holds one day's affected rooms
  // even after a backfill wrote versions of many earlier days at once.
  for (const lateDay of [...new Set([...late.values()].map((list) => dayOf(list[0]!.plan.versionAt)))].sort()) {
    const again = await rebuildRoomDays(rt, lateDay, late, new Date());
    await rt.publisher.publish([...again.transcripts.map((t) => ({ topic: 'converted' as const, key: t.roomId, value: t })), ...again.outcomes]);
    rebuilt.push(...again.transcripts.map(summaryOf));
    lateVersions += again.outcomes.length;
  }
  return { day, read, versions: new Set(versions.map((v) => v.itemId)).size, transcripts, rebuilt, lateVersions };
}

const READ_TIMEOUT_MS = 30 * 60_000;

/**
 * Builds the room-days of `day` that have late candidates again, from every version of theirs
 * still in webex.unique.v1 (a read from that day's start; only those room-days are kept), and
 * says which late versions made a new transcript version. The transcripts those room-days
 * already have are read too, so an identical rebuild is known as such (and dedupe drops it).
 */
async function rebuildRoomDays(rt: Pick<Runtime, 'kafka' | 'serde' | 'config'>, day: string, late: ReadonlyMap<string, CapturedVersion[]>, now: Date): Promise<{ transcripts: EmailPlan[]; outcomes: Output[] }> {
  const versions: EmailPlan[] = [];
  const built = new Map<string, BuiltRoomDay>();
  await readTopic<EmailPlan>(rt.kafka, rt.serde, topicName(rt.config, 'unique'), (plan, info) => {
    if (!plan) return;
    if (isTranscriptPlan(plan)) {
      const key = roomDayKey(plan.roomId, transcriptDayOf(plan) ?? '');
      if (!late.has(key)) return;
      const b = built.get(key) ?? { itemIds: new Set<string>(), builtAt: -Infinity };
      b.itemIds.add(plan.itemId);
      b.builtAt = Math.max(b.builtAt, info.timestamp);
      built.set(key, b);
    } else if (dayOf(plan.versionAt) === day && late.has(roomDayKey(plan.roomId, day))) {
      versions.push(plan);
    }
  }, { sinceMs: dayRange(day).start - CLOCK_SLACK_MS, timeoutMs: READ_TIMEOUT_MS });
  const transcripts = toTranscriptPlans(versions, day, { maxItemBytes: rt.config.maxItemBytes });
  const outcomes = [...new Set(transcripts.map((t) => t.roomId))].flatMap((roomId) => {
    const key = roomDayKey(roomId, day);
    return rebuiltOutcomes(day, transcripts.filter((t) => t.roomId === roomId), built.get(key), late.get(key) ?? [], now);
  });
  return { transcripts, outcomes };
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value); else map.set(key, [value]);
}
