import type { Config } from '../../config/schema.js';
import type { RawMessage } from '../../kafka/records.js';
import type { ProcessorShell } from '../../kafka/runner.js';
import { toEmailPlans } from './transform.js';

export function convertProcessor(deps: { config: Config }): ProcessorShell<'raw', 'converted'> {
  const ctx = { orgDomains: deps.config.orgDomains };
  return {
    transform: (raw) => toEmailPlans(raw, ctx).map((plan) => ({ topic: 'converted' as const, key: plan.roomId, value: plan })),
  };
}
