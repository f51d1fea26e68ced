import type { Kafka } from 'kafkajs';

/** A cached readiness probe for /readyz: can we reach a Kafka controller? Checked at most every `ttlMs`. */
export function kafkaReadiness(kafka: Kafka, ttlMs = 5000): () => Promise<boolean> {
  let last = 0;
  let value = false;
  let inFlight: Promise<boolean> | undefined;
  return async () => {
    if (Date.now() - last < ttlMs) return value;
    inFlight ??= (async () => {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const c = await admin.describeCluster();
        value = c.brokers.length > 0;
      } catch {
        value = false;
      } finally {
        await admin.disconnect().catch(() => undefined);
        last = Date.now();
        inFlight = undefined;
      }
      return value;
    })();
    return inFlight;
  };
}
