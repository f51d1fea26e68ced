import Fastify, { type FastifyInstance } from 'fastify';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportTask } from '../../src/kafka/records.js';
import { runProcessor } from '../../src/kafka/runner.js';
import { groupName, topicName } from '../../src/kafka/topics.js';
import { readTopic } from '../../src/kafka/read-topic.js';
import { partitionForKey } from '../../src/ops/replay-plan.js';
import { registerOpsRoutes } from '../../src/ops/routes.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { testConfig } from '../support/config.js';
import { waitUntil } from '../support/wait.js';
import { delivery, staged, task } from './support.js';
import { fetchTopicOffsets } from '../../src/kafka/admin-offsets.js';

// The operator HTTP surface (/metrics, /ops/*) on a fastify app, against the real broker.
describe('operator routes (real Kafka)', () => {
  let rt: Runtime;
  let admin: Admin;
  let app: FastifyInstance;
  const bearer = () => ({ authorization: `Bearer ${rt.config.operatorToken}` });

  beforeAll(async () => {
    rt = await createRuntime(testConfig());
    admin = rt.kafka.admin();
    await admin.connect();
    app = Fastify();
    registerOpsRoutes(app, { ...rt, lagTtlMs: 0 });
    await app.ready();
  });
  afterAll(async () => { await app?.close(); await admin?.disconnect(); await rt?.close(); });

  const committed = async (processor: string, input: 'webhooks' | 'imports') => {
    const [t] = await admin.fetchOffsets({ groupId: groupName(rt.config, processor), topics: [topicName(rt.config, input)] });
    return new Map(t!.partitions.map((p) => [p.partition, Number(p.offset)]));
  };
  const consumeAll = async (name: 'hydrate' | 'import', input: 'webhooks' | 'imports', total: number) => {
    const running = await runProcessor({ name, input, outputs: [], transform: () => [] }, rt);
    try {
      await waitUntil(async () => [...(await committed(name, input)).values()].reduce((s, o) => s + Math.max(0, o), 0) === total, 60_000, `${name} to commit ${total}`);
    } finally {
      await running.stop();
    }
  };

  it('without the operator credential: 401 on the dashboard, its API, the log download and replay, and nothing else', async () => {
    const requests = [
      { method: 'GET' as const, url: '/ops/' },
      { method: 'GET' as const, url: '/ops/app.js' },
      { method: 'GET' as const, url: '/ops/api/status' },
      { method: 'GET' as const, url: '/ops/log?format=csv' },
      { method: 'POST' as const, url: '/ops/replay', payload: { processor: 'hydrate', toEarliest: true } },
    ];
    for (const r of requests) {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token' }, { cookie: 'wxa_operator=nope' }]) {
        const res = await app.inject({ ...r, headers });
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
        expect(res.body).not.toContain(rt.config.topicPrefix);
        expect(res.body).not.toMatch(/lag|hydrate|webex\./);
      }
    }
  });

  it('signs in with the form: a wrong token is refused, the right one sets an HttpOnly SameSite cookie that opens the dashboard', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/ops/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'token=not-the-token' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const ok = await app.inject({ method: 'POST', url: '/ops/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(rt.config.operatorToken)}` });
    expect(ok.statusCode).toBe(303);
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await app.inject({ method: 'GET', url: '/ops/', headers: { cookie: cookie.split(';')[0]! } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Lag per stage');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('/metrics exposes kafka_consumergroup_lag and _lag_sum with their labels, rising with unconsumed records', async () => {
    await rt.publisher.publish([1, 2, 3, 4].map((n) => ({ topic: 'webhooks' as const, key: `room${n}`, value: delivery(n) })));
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const group = groupName(rt.config, 'hydrate');
    const topic = topicName(rt.config, 'webhooks');
    expect(res.body).toContain(`kafka_consumergroup_lag_sum{consumergroup="${group}",topic="${topic}"} 4`);
    const perPartition = [...res.body.matchAll(new RegExp(`^kafka_consumergroup_lag\\{consumergroup="${group.replace(/\./g, '\\.')}",topic="[^"]+",partition="(\\d)"\\} (\\d+)$`, 'gm'))];
    expect(perPartition.map((m) => m[1]).sort()).toEqual(['0', '1', '2']);
    expect(perPartition.reduce((s, m) => s + Number(m[2]), 0)).toBe(4);
    expect(res.body).toContain('webex_archiver_lag_up 1');
    // Nothing parked on this prefix's retry topics.
    for (const k of ['importsRetry1', 'importsRetry2', 'importsRetry3'] as const) expect(res.body).toContain(`webex_archiver_parked_waiting{topic="${topicName(rt.config, k)}"} 0`);
    expect(res.body).toContain('process_cpu_user_seconds_total');
    expect(res.body).toContain('# TYPE webex_archiver_capture_latency_seconds histogram');
  });

  it('/metrics needs the credential when metricsPublic is false', async () => {
    const closed = Fastify();
    registerOpsRoutes(closed, { ...rt, config: { ...rt.config, metricsPublic: false }, tailOutcomes: false });
    await closed.ready();
    try {
      expect((await closed.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      const ok = await closed.inject({ method: 'GET', url: '/metrics', headers: bearer() });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('kafka_consumergroup_lag_sum');
    } finally {
      await closed.close();
    }
  });

  it('the status API and the log download answer with the credential', async () => {
    const status = await app.inject({ method: 'GET', url: '/ops/api/status', headers: bearer() });
    expect(status.statusCode).toBe(200);
    const body = status.json() as { stages: { processor: string; lag: number }[] };
    expect(body.stages.map((s) => s.processor)).toEqual(['hydrate', 'convert', 'dedupe', 'limit', 'stage', 'route', 'import']);
    expect(body.stages[0]!.lag).toBeGreaterThanOrEqual(4);
    const log = await app.inject({ method: 'GET', url: '/ops/log?format=csv', headers: bearer() });
    expect(log.statusCode).toBe(200);
    expect(log.headers['content-type']).toContain('text/csv');
    expect(log.headers['content-disposition']).toMatch(/attachment; filename="webex-archiver-status-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(log.body.split('\r\n')[0]).toMatch(/^row,date,completedAt,available,fannedOut,imported,partial,skipped,failed,parked,pending,rejected,unmapped,failedUpstream/);
    expect((await app.inject({ method: 'GET', url: '/ops/log?format=xml', headers: bearer() })).statusCode).toBe(400);
  });

  it('replay to earliest moves the committed offsets back; a running group gets 409', async () => {
    await rt.publisher.publish([5, 6].map((n) => ({ topic: 'webhooks' as const, key: `room${n}`, value: delivery(n) })));
    const total = (await fetchTopicOffsets(admin, topicName(rt.config, 'webhooks'))).reduce((s, p) => s + Number(p.high), 0);
    await consumeAll('hydrate', 'webhooks', total);
    expect([...(await committed('hydrate', 'webhooks')).values()].reduce((s, o) => s + Math.max(0, o), 0)).toBeGreaterThanOrEqual(2);

    const running = await runProcessor({ name: 'hydrate', input: 'webhooks', outputs: [], transform: () => [] }, rt);
    try {
      const busy = await app.inject({ method: 'POST', url: '/ops/replay', headers: bearer(), payload: { processor: 'hydrate', toEarliest: true } });
      expect(busy.statusCode).toBe(409);
      expect(busy.json().error).toMatch(/stop every "hydrate" processor/);
    } finally {
      await running.stop();
    }

    const res = await app.inject({ method: 'POST', url: '/ops/replay', headers: bearer(), payload: { processor: 'hydrate', toEarliest: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ processor: 'hydrate', target: 'earliest' });
    const after = await committed('hydrate', 'webhooks');
    expect([...after.values()]).toEqual([0, 0, 0]);
    const bad = await app.inject({ method: 'POST', url: '/ops/replay', headers: bearer(), payload: { processor: 'hydrate', toEarliest: true, mailbox: 'a@example.com' } });
    expect(bad.statusCode).toBe(400);
  });

  it('replay --mailbox moves only the partition holding that mailbox, the one the producer chose', async () => {
    const item = staged('item-r', []);
    const mailboxes = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com', 'erin@example.com', 'frank@example.com'];
    await rt.publisher.publish(mailboxes.map((m) => ({ topic: 'imports' as const, key: m, value: task(item, m) })));
    const where = new Map<string, number>();
    await readTopic<ImportTask>(rt.kafka, rt.serde, topicName(rt.config, 'imports'), (v, info) => { if (v) where.set(v.mailbox, info.partition); });
    for (const m of mailboxes) expect(partitionForKey(m, 3), m).toBe(where.get(m));

    await consumeAll('import', 'imports', mailboxes.length);
    const before = await committed('import', 'imports');
    const res = await app.inject({ method: 'POST', url: '/ops/replay', headers: bearer(), payload: { processor: 'import', toEarliest: true, mailbox: 'alice@example.com' } });
    expect(res.statusCode).toBe(200);
    const alice = where.get('alice@example.com')!;
    expect(res.json().partitions.map((p: { partition: number }) => p.partition)).toEqual([alice]);
    const after = await committed('import', 'imports');
    for (const [partition, offset] of before) expect(after.get(partition), `partition ${partition}`).toBe(partition === alice ? 0 : offset);
    expect(before.get(alice)).toBeGreaterThan(0);
  });

  it('replay --to-time moves each partition to the first record written at or after that time', async () => {
    const beforeCount = [...(await fetchTopicOffsets(admin, topicName(rt.config, 'webhooks')))].reduce((s, p) => s + Number(p.high), 0);
    await new Promise((r) => setTimeout(r, 50));
    const mark = new Date();
    await new Promise((r) => setTimeout(r, 50));
    await rt.publisher.publish([7, 8, 9].map((n) => ({ topic: 'webhooks' as const, key: `room${n}`, value: delivery(n) })));
    await consumeAll('hydrate', 'webhooks', beforeCount + 3);
    const res = await app.inject({ method: 'POST', url: '/ops/replay', headers: bearer(), payload: { processor: 'hydrate', toTime: mark.toISOString() } });
    expect(res.statusCode).toBe(200);
    const after = await committed('hydrate', 'webhooks');
    expect([...after.values()].reduce((s, o) => s + o, 0)).toBe(beforeCount);
  });
});
