import type { ProcessorName } from '../processors/index.js';
import type { TopicKey } from '../kafka/topics.js';

/**
 * Each processor's input topic, in pipeline order. It repeats the `input` of each ProcessorSpec
 * on purpose: building the specs needs a runtime (and import needs a mailbox sink), which the
 * status command and /metrics should not pay for. The type-only import of ProcessorName makes a
 * new processor a compile error here, and test/ops/stages.test.ts checks every entry against the
 * real specs.
 */
export const STAGE_INPUTS: Readonly<Record<ProcessorName, TopicKey>> = {
  hydrate: 'webhooks',
  convert: 'raw',
  dedupe: 'converted',
  limit: 'unique',
  stage: 'limited',
  route: 'staged',
  import: 'imports',
};

export const STAGE_NAMES = Object.keys(STAGE_INPUTS) as ProcessorName[];

export function isStageName(name: string): name is ProcessorName {
  return Object.prototype.hasOwnProperty.call(STAGE_INPUTS, name);
}
