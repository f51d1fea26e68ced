import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { toDashboardStatus } from '../../src/ops/dashboard-status.js';
import { createMetrics } from '../../src/ops/metrics.js';

/** A processor paused on a refused credential says so: on /metrics and on the dashboard's stage row. */
describe('paused processors', () => {
  it('the runner\'s paused callbacks drive webex_archiver_paused and the dashboard status', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    metrics.observer.paused!('hydrate', 'AUTH_FAILED', true);
    metrics.observer.paused!('hydrate', 'AUTH_FAILED', true);
    expect(await registry.getSingleMetricAsString('webex_archiver_paused')).toContain('webex_archiver_paused{processor="hydrate",code="AUTH_FAILED"} 2');
    const snap = { at: '2026-01-05T09:00:00.000Z', rates: new Map(), groups: ['hydrate', 'convert'].map((processor) => ({ processor, groupId: `g-${processor}`, topic: 't', state: 'Stable', members: 1, partitions: [], lagSum: 3, lastCommitAt: null, lastCommitSource: null })) };
    const status = toDashboardStatus(snap, null, null, new Date('2026-01-05T09:00:01.000Z'), { pausedCodes: (p) => metrics.pausedCodes(p) });
    expect(status.stages.map((s) => [s.processor, s.paused])).toEqual([['hydrate', ['AUTH_FAILED']], ['convert', []]]);
    metrics.observer.paused!('hydrate', 'AUTH_FAILED', false);
    metrics.observer.paused!('hydrate', 'AUTH_FAILED', false);
    expect(metrics.pausedCodes('hydrate')).toEqual([]);
    expect(await registry.getSingleMetricAsString('webex_archiver_paused')).toContain('webex_archiver_paused{processor="hydrate",code="AUTH_FAILED"} 0');
  });
});
