import type { Config } from '../../config/schema.js';
import { ArchiverError } from '../../errors.js';
import type { Output } from '../../kafka/publisher.js';
import type { ImportTask, ParkedRecord } from '../../kafka/records.js';
import { PARKS_HEADER, type ParkPolicy, type ParkTopic } from '../../kafka/park-policy.js';
import type { ProcessorSpec } from '../../kafka/runner.js';
import type { Serde } from '../../kafka/serde.js';
import { topicName } from '../../kafka/topics.js';

/** The consumer (group) that sends a retry topic's tasks back: `import-retry-1` for the first. */
export function retryConsumers(topics: readonly ParkTopic[]): { topic: ParkTopic; name: string }[] {
  return topics.map((topic, i) => ({ topic, name: `import-retry-${i + 1}` }));
}

/** Import's non-blocking retries (docs/operations.md): park after the quick attempts, on the declared topics with delays of 1 min, 10 min, 1 h (then hourly) by default. */
export function importParkPolicy(config: Pick<Config, 'importQuickAttempts' | 'importRetryDelays'>, topics: readonly ParkTopic[]): ParkPolicy {
  return { quickAttempts: config.importQuickAttempts, tiers: topics.map((topic, i) => ({ topic, delayMs: config.importRetryDelays[i]! * 1000 })) };
}

/**
 * One consumer per retry topic: the runner holds each partition until its head is due (paused,
 * not polled) and then this writes the parked task back to webex.imports.v1 with how often it was
 * parked, so that import tries it again and, if it fails again, parks it one tier further.
 */
export function importRetryProcessors(deps: { config: Pick<Config, 'importQuickAttempts' | 'importRetryDelays' | 'topicPrefix'>; serde: Serde }, topics: readonly ParkTopic[]): ProcessorSpec<ParkTopic, 'imports'>[] {
  const consumers = retryConsumers(topics);
  return importParkPolicy(deps.config, topics).tiers.map((tier, i): ProcessorSpec<ParkTopic, 'imports'> => ({
    name: consumers[i]!.name,
    input: tier.topic,
    outputs: ['imports'],
    holdMs: tier.delayMs,
    transform: async (parked) => [await backToImports(parked, deps)],
  }));
}

/** A parked import task as it was on webex.imports.v1: same key, same task, and its park count in a header. */
export async function backToImports(r: ParkedRecord, deps: { config: Pick<Config, 'topicPrefix'>; serde: Serde }): Promise<Output<'imports'>> {
  const origin = topicName(deps.config, 'imports');
  if (r.topic !== origin) throw new ArchiverError('BAD_RECORD', `parked record from ${r.topic}, not ${origin}: import's retry consumer only sends import tasks back`);
  if (!r.value) throw new ArchiverError('BAD_RECORD', `parked record from ${r.topic} has no value`);
  const task = await deps.serde.decode<ImportTask>(Buffer.from(r.value));
  return { topic: 'imports', key: r.key ? Buffer.from(r.key).toString('utf8') : null, value: task, headers: { [PARKS_HEADER]: String(r.parks) } };
}
