import { describe, expect, it } from 'vitest';
import { summarizeCheckpoints } from '../../src/ops/crawler-status.js';
import { parseCommitMetadata, partitionLag } from '../../src/ops/lag.js';
import { formatStatus } from '../../src/ops/status.js';
import type { StatusReport } from '../../src/ops/status-report.js';
import { toRecoveryView } from '../../src/ops/recovery.js';
import { emptyCounts } from '../../src/ops/outcome-rows.js';

describe('commit metadata: the commit time, and the stall notice the runner writes (pure)', () => {
  it('reads a plain time, a stall notice with and without the last commit, and nothing from anything else', () => {
    expect(parseCommitMetadata('2026-01-05T09:00:00.000Z')).toEqual({ committedAt: '2026-01-05T09:00:00.000Z', stalledSince: null, stallCode: null });
    expect(parseCommitMetadata('committedAt=2026-01-05T09:00:00.000Z;stalledSince=2026-01-05T09:05:00.000Z;code=UNAVAILABLE'))
      .toEqual({ committedAt: '2026-01-05T09:00:00.000Z', stalledSince: '2026-01-05T09:05:00.000Z', stallCode: 'UNAVAILABLE' });
    expect(parseCommitMetadata('stalledSince=2026-01-05T09:05:00.000Z;code=TIMEOUT')).toEqual({ committedAt: null, stalledSince: '2026-01-05T09:05:00.000Z', stallCode: 'TIMEOUT' });
    expect(parseCommitMetadata('stalledSince=yesterday;code=<script>')).toEqual({ committedAt: null, stalledSince: null, stallCode: null });
    expect(parseCommitMetadata('')).toEqual({ committedAt: null, stalledSince: null, stallCode: null });
  });

  it('status names a stalled partition', () => {
    const p = partitionLag({ partition: 2, committed: '5', low: '0', high: '9', metadata: 'stalledSince=2026-01-05T09:05:00.000Z;code=UNAVAILABLE' });
    const report: StatusReport = {
      generatedAt: '2026-01-05T10:00:00.000Z',
      groups: [{ processor: 'stage', groupId: 'g', topic: 'webex.limited.v1', state: 'Stable', members: 1, partitions: [p], lagSum: p.lag, lastCommitAt: null, lastCommitSource: null, stalledSince: p.stalledSince ?? null }],
      crawler: summarizeCheckpoints([]),
      today: { date: '2026-01-05', counts: emptyCounts() },
      recentIssues: [],
      recovery: toRecoveryView(null, [], []),
    };
    expect(formatStatus(report)).toContain('STALLED webex.limited.v1[2] since 2026-01-05T09:05:00.000Z (UNAVAILABLE)');
  });
});
