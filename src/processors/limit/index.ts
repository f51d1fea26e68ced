import type { Config } from '../../config/schema.js';
import type { EmailPlan } from '../../kafka/records.js';
import type { ProcessorShell } from '../../kafka/runner.js';
import { encodedSize } from '../../mail/render.js';
import { limitPlan } from './transform.js';

export function limitProcessor(deps: { config: Config }): ProcessorShell<'unique', 'limited' | 'outcomes'> {
  const policy = { maxItemBytes: deps.config.maxItemBytes, oversizePolicy: deps.config.oversizePolicy, transcriptMode: deps.config.transcriptMode };
  return {
    transform: (plan) => limitPlan(plan, policy, (p) => encodedSize(p), new Date()),
  };
}
