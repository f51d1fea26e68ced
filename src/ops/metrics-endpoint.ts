import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { operatorGate, type OperatorGate } from '../capture/operator-auth.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';

type MetricsAccess = Pick<Config, 'metricsPublic' | 'operatorToken'>;

/**
 * GET /metrics: `registry` in Prometheus text. Open when `metricsPublic`, otherwise it needs the
 * operator credential through `gate` (the receiver's, which also knows the dashboard's sessions),
 * or, on a listener of its own, the Bearer token.
 */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry, config: MetricsAccess, gate?: OperatorGate, logger?: Logger): void {
  const opts = config.metricsPublic ? {} : { preHandler: (gate ?? operatorGate({ token: config.operatorToken, logger })).require };
  app.get('/metrics', opts, async (_req, reply) => {
    const text = await registry.metrics();
    return reply.header('Content-Type', registry.contentType).send(text);
  });
}

export interface MetricsListener {
  /** e.g. http://127.0.0.1:9464/metrics */
  url: string;
  close(): Promise<void>;
}

/**
 * A metrics-only HTTP listener for the long-running processes that serve no receiver (`run`
 * without --with-receiver, `crawl --schedule`): their own counters (records processed and failed
 * per processor, Webex requests, retries and 429s) live in their process, so Prometheus has to
 * scrape each of them. Consumer lag is not served here: the receiver computes it from Kafka for
 * every group, and serving it from every process would count it once per process.
 */
export async function startMetricsListener(config: MetricsAccess & Pick<Config, 'metricsHost' | 'metricsPort'>, registry: Registry, logger?: Logger): Promise<MetricsListener> {
  const app = Fastify({ logger: false });
  registerMetricsRoute(app, registry, config, undefined, logger);
  const address = await app.listen({ host: config.metricsHost, port: config.metricsPort });
  return { url: `${address.replace('[::1]', '127.0.0.1')}/metrics`, close: () => app.close() };
}
