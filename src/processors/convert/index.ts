import type { Config } from '../../config/schema.js';
import type { Output } from '../../kafka/publisher.js';
import type { ProcessorShell } from '../../kafka/runner.js';
import { outcome } from '../../kafka/outcome.js';
import { PARTICIPANTS_NOTE, toEmailPlans } from './transform.js';

export function convertProcessor(deps: { config: Config }): ProcessorShell<'raw', 'converted' | 'outcomes'> {
  const ctx = { orgDomains: deps.config.orgDomains };
  return {
    transform: (raw) => toEmailPlans(raw, ctx).flatMap((plan): Output<'converted' | 'outcomes'>[] => [
      { topic: 'converted', key: plan.roomId, value: plan },
      // Participants from the current membership are archived, and counted (status: noted).
      ...(raw.participantsSource === 'current-membership' ? [outcome('noted', 'convert', plan, { reason: PARTICIPANTS_NOTE, at: raw.capturedAt })] : []),
    ]),
  };
}
