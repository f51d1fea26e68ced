import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RunnerObserver } from '../kafka/runner.js';
import type { Outcome } from '../kafka/records.js';
import type { LagSource } from './lag-source.js';

/**
 * What the Webex client reports, for 429 and retry counters. `resource` is the API collection
 * ('messages', 'rooms', 'events', …), never a full path or id, to keep label cardinality small.
 */
export interface WebexObserver {
  /** One try answered with HTTP `status`, or ended without an answer ('timeout', 'network'). */
  onRequest(resource: string, status: number | 'timeout' | 'network'): void;
  onRetry(resource: string, reason: string): void;
  onRateLimited(resource: string, retryAfterSeconds: number | undefined): void;
}

export interface ArchiverMetrics {
  observer: RunnerObserver;
  webexObserver: WebexObserver;
  /** Webex `created` → in the mailbox, in seconds. */
  observeCaptureLatency(seconds: number): void;
  /** Error codes a processor of this process is paused on (a refused credential), for the dashboard. */
  pausedCodes(processor: string): string[];
}

/**
 * The service's own metrics on `registry`: records processed and failed per processor (fed by
 * the runner), Webex requests, retries and 429s, capture latency, and the default process
 * metrics. Names follow Prometheus conventions: `_total` counters, base units (seconds).
 */
export function createMetrics(registry: Registry): ArchiverMetrics {
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const processed = new Counter({ name: 'webex_archiver_records_processed_total', help: 'Records a processor handled and committed', labelNames: ['processor'], registers });
  const failed = new Counter({ name: 'webex_archiver_records_failed_total', help: 'Failed attempts at a record, retried or not, by error code', labelNames: ['processor', 'code'], registers });
  const deadLettered = new Counter({ name: 'webex_archiver_records_dead_lettered_total', help: 'Records sent to the dead-letter topic, by error code', labelNames: ['processor', 'code'], registers });
  const parked = new Counter({ name: 'webex_archiver_records_parked_total', help: 'Records parked on a retry topic (they come back when due), by error code', labelNames: ['processor', 'code'], registers });
  // Records retried in place past WXA_MAX_ATTEMPTS, per processor: their partitions wait.
  const stalls = new Map<string, Map<string, number>>();
  new Gauge({
    name: 'webex_archiver_processor_stalled', help: 'Records a processor is retrying in place past WXA_MAX_ATTEMPTS (each holds up its partition)', labelNames: ['processor'], registers,
    collect() { this.reset(); for (const [processor, m] of stalls) this.set({ processor }, m.size); },
  });
  new Gauge({
    name: 'webex_archiver_processor_stall_seconds', help: 'How long the oldest of those records has been stalled (0 when none)', labelNames: ['processor'], registers,
    collect() {
      this.reset();
      for (const [processor, m] of stalls) this.set({ processor }, m.size ? (Date.now() - Math.min(...m.values())) / 1000 : 0);
    },
  });
  const pausedCount = new Map<string, number>();
  const pausedKey = (processor: string, code: string) => `${processor}\u0000${code}`;
  const paused = new Gauge({ name: 'webex_archiver_paused', help: 'Partitions of a processor waiting on a refused credential or configuration (error code), 0 once it goes on', labelNames: ['processor', 'code'], registers });
  const requests = new Counter({ name: 'webex_archiver_webex_requests_total', help: 'Webex REST requests by resource and HTTP status', labelNames: ['resource', 'status'], registers });
  const retries = new Counter({ name: 'webex_archiver_webex_retries_total', help: 'Webex requests tried again, by resource and reason', labelNames: ['resource', 'reason'], registers });
  const rateLimited = new Counter({ name: 'webex_archiver_webex_rate_limited_total', help: 'Webex 429 answers by resource', labelNames: ['resource'], registers });
  const latency = new Histogram({
    name: 'webex_archiver_capture_latency_seconds',
    help: 'Webex message created to imported into a mailbox',
    // Seconds for the webhook path, up to a day and more for the crawler and backfill.
    buckets: [1, 2, 5, 10, 30, 60, 120, 300, 900, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600],
    registers,
  });
  return {
    observer: {
      processed: (processor, count) => processed.inc({ processor }, count),
      failed: (processor, code) => failed.inc({ processor, code }),
      deadLettered: (processor, code) => deadLettered.inc({ processor, code }),
      parked: (processor, code) => parked.inc({ processor, code }),
      stalled: (processor, record, since) => {
        const m = stalls.get(processor) ?? new Map<string, number>();
        if (since === null) m.delete(record); else m.set(record, since);
        stalls.set(processor, m);
      },
      paused: (processor, code, on) => {
        const key = pausedKey(processor, code);
        pausedCount.set(key, Math.max(0, (pausedCount.get(key) ?? 0) + (on ? 1 : -1)));
        if (on) paused.inc({ processor, code }); else paused.dec({ processor, code });
      },
    },
    webexObserver: {
      onRequest: (resource, status) => requests.inc({ resource, status: String(status) }),
      onRetry: (resource, reason) => retries.inc({ resource, reason }),
      onRateLimited: (resource) => rateLimited.inc({ resource }),
    },
    observeCaptureLatency: (seconds) => { if (Number.isFinite(seconds) && seconds >= 0) latency.observe(seconds); },
    pausedCodes: (processor) => [...pausedCount].filter(([k, n]) => n > 0 && k.startsWith(`${processor}\u0000`)).map(([k]) => k.slice(processor.length + 1)),
  };
}

/**
 * Today's outcome counts by kind (UTC day), from the outcome tail the receiver follows: the status
 * log's own numbers, failed (dead-lettered) and parked included, for alerts (`failed > 0`).
 */
export function registerOutcomeMetrics(registry: Registry, today: () => { counts: Record<string, number> } | null): void {
  new Gauge({
    name: 'webex_archiver_outcomes_today', help: 'Outcomes written today (UTC) by kind: imported, partial, duplicate, rejected, unmapped, failed, parked', labelNames: ['kind'], registers: [registry],
    collect() {
      this.reset();
      const t = today();
      if (t) for (const [kind, n] of Object.entries(t.counts)) this.set({ kind }, n);
    },
  });
}

/**
 * Parked import tasks not yet sent back, per retry topic (the retry consumers' lag): what waits
 * right now, where webex_archiver_outcomes_today{kind="parked"} counts every park of the day.
 * Absent when Kafka could not be asked (never a stale zero).
 */
export function registerParkedWaitingMetric(registry: Registry, waiting: () => Promise<{ topic: string; records: number }[] | null>): void {
  new Gauge({
    name: 'webex_archiver_parked_waiting', help: 'Parked import tasks waiting on a retry topic, not yet sent back to webex.imports.v1', labelNames: ['topic'], registers: [registry],
    async collect() {
      const w = await waiting();
      this.reset();
      for (const t of w ?? []) this.set({ topic: t.topic }, t.records);
    },
  });
}

/** Capture latency of an import outcome (imported or partial), or undefined when it has none. */
export function captureLatencySeconds(o: Pick<Outcome, 'kind' | 'at' | 'webexCreated'>): number | undefined {
  if ((o.kind !== 'imported' && o.kind !== 'partial') || !o.webexCreated) return undefined;
  const s = (Date.parse(o.at) - Date.parse(o.webexCreated)) / 1000;
  return Number.isFinite(s) && s >= 0 ? s : undefined;
}

/**
 * Consumer lag under the names operators already chart (danielqsj/kafka_exporter):
 * kafka_consumergroup_lag{consumergroup,topic,partition}, kafka_consumergroup_lag_sum{consumergroup,topic}
 * and kafka_consumergroup_members{consumergroup}, computed on scrape from a cached LagSource.
 * webex_archiver_lag_up is 0 when Kafka could not be asked, so a stale zero never looks healthy.
 */
export function registerLagMetrics(registry: Registry, source: LagSource): void {
  // One fetch feeds all four gauges: each collect() awaits the same refresh, and the LagSource
  // caches the snapshot across scrapes.
  let pending: Promise<void> | undefined;
  const collect = () => (pending ??= refresh().finally(() => { setTimeout(() => { pending = undefined; }, 0); }));
  const registers = [registry];
  const up = new Gauge({ name: 'webex_archiver_lag_up', help: '1 when the last lag fetch from Kafka succeeded', registers, collect });
  const lag = new Gauge({ name: 'kafka_consumergroup_lag', help: 'Current approximate lag of a consumer group at topic/partition', labelNames: ['consumergroup', 'topic', 'partition'], registers, collect });
  const lagSum = new Gauge({ name: 'kafka_consumergroup_lag_sum', help: 'Current approximate lag of a consumer group at topic for all partitions', labelNames: ['consumergroup', 'topic'], registers, collect });
  const members = new Gauge({ name: 'kafka_consumergroup_members', help: 'Amount of members in a consumer group', labelNames: ['consumergroup'], registers, collect });
  async function refresh(): Promise<void> {
    try {
      const snap = await source.get();
      lag.reset(); lagSum.reset(); members.reset();
      for (const g of snap.groups) {
        if (g.error) continue;
        members.set({ consumergroup: g.groupId }, g.members);
        lagSum.set({ consumergroup: g.groupId, topic: g.topic }, g.lagSum);
        for (const p of g.partitions) lag.set({ consumergroup: g.groupId, topic: g.topic, partition: String(p.partition) }, p.lag);
      }
      up.set(1);
    } catch {
      lag.reset(); lagSum.reset(); members.reset();
      up.set(0);
    }
  }
}
