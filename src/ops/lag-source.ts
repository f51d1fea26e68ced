import type { Admin, Kafka } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { createCommitTracker, type StageRate } from './commit-tracker.js';
import type { GroupLag } from './lag.js';
import { fetchPipelineLag } from './offsets.js';

export interface LagSnapshot {
  at: string;
  groups: GroupLag[];
  rates: Map<string, StageRate>;
}

export interface LagSource {
  /** The latest snapshot, fetched again when older than the TTL; concurrent callers share one fetch. */
  get(): Promise<LagSnapshot>;
  close(): Promise<void>;
}

/**
 * Lag for /metrics and the dashboard, cached a few seconds so that Prometheus scrapes and every
 * open dashboard tab cost Kafka one round of admin requests per TTL, not one each. One admin
 * client stays connected; after a failure the next call connects again.
 */
export function createLagSource(kafka: Kafka, config: Pick<Config, 'topicPrefix'>, opts: { ttlMs?: number; now?: () => Date } = {}): LagSource {
  const ttlMs = opts.ttlMs ?? 5_000;
  const now = opts.now ?? (() => new Date());
  const tracker = createCommitTracker();
  let admin: Promise<Admin> | undefined;
  let cached: { at: number; snapshot: LagSnapshot } | undefined;
  let inFlight: Promise<LagSnapshot> | undefined;

  const connect = () => (admin ??= (async () => {
    const a = kafka.admin();
    try { await a.connect(); } catch (err) { admin = undefined; throw err; }
    return a;
  })());

  async function fetchSnapshot(): Promise<LagSnapshot> {
    const a = await connect();
    let groups: GroupLag[];
    try {
      groups = await fetchPipelineLag(a, config);
    } catch (err) {
      admin = undefined;
      await a.disconnect().catch(() => undefined);
      throw err;
    }
    const t = now();
    const rates = tracker.observe(groups, t);
    return { at: t.toISOString(), groups, rates };
  }

  return {
    get() {
      if (cached && Date.now() - cached.at < ttlMs) return Promise.resolve(cached.snapshot);
      inFlight ??= fetchSnapshot()
        .then((snapshot) => { cached = { at: Date.now(), snapshot }; return snapshot; })
        .finally(() => { inFlight = undefined; });
      return inFlight;
    },
    async close() {
      const a = admin;
      admin = undefined;
      if (a) await (await a).disconnect().catch(() => undefined);
    },
  };
}
