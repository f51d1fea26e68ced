import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiverError } from '../../src/errors.js';
import { runProcessor, type RunningProcessor } from '../../src/kafka/runner.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { testConfig } from '../support/config.js';
import { samplePlan } from '../support/samples.js';
import { waitUntil } from '../support/wait.js';

/**
 * A processor whose order matters never skips a record that fails retriably: it retries in place
 * with capped backoff and, past WXA_MAX_ATTEMPTS, reports its partition stalled (an error log and
 * webex_archiver_processor_stalled) until the record goes through. Real broker and registry; the
 * processor under test is a stand-in whose dependency is "down" until the test says otherwise.
 */
describe('a retriable failure in an ordered processor is a reported stall, not a skip (real Kafka)', () => {
  let rt: Runtime;
  let running: RunningProcessor | undefined;
  beforeAll(async () => { rt = await createRuntime(testConfig({ WXA_MAX_ATTEMPTS: '2' })); });
  afterAll(async () => { await running?.stop(); await rt?.close(); });

  it('counts the stall while the dependency is down and clears it when the record goes through', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    let down = true;
    let attempts = 0;
    const passed: string[] = [];
    const plan = samplePlan();
    await rt.publisher.publish([{ topic: 'converted', key: plan.roomId, value: plan }]);
    running = await runProcessor({
      name: 'ordered-stand-in', input: 'converted', outputs: [],
      transform: (p) => {
        attempts++;
        if (down) throw new ArchiverError('UNAVAILABLE', 'dependency down');
        passed.push(p.itemId);
        return [];
      },
    }, { ...rt, observer: metrics.observer });
    const gauge = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.find((v) => v.labels.processor === 'ordered-stand-in')?.value ?? 0;
    await waitUntil(async () => (await gauge('webex_archiver_processor_stalled')) === 1, 30_000, 'the stall to be reported');
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(passed).toEqual([]);
    await waitUntil(async () => (await gauge('webex_archiver_processor_stall_seconds')) > 0, 30_000, 'the stall to age');
    down = false;
    await waitUntil(() => passed.length === 1, 60_000, 'the record to go through');
    expect(passed).toEqual([plan.itemId]);
    expect(await gauge('webex_archiver_processor_stalled')).toBe(0);
  });
});
