import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { PROCESSOR_NAMES, createProcessor, type ProcessorName } from '../../processors/index.js';
import { kafkaReadiness } from '../capture/kafka-ready.js';
import { buildReceiver } from '../capture/receiver.js';
import type { CrawlSource } from '../capture/crawl-source.js';
import { createWebexFromConfig, webexSource } from '../capture/webex-source.js';
import type { Config } from '../config/schema.js';
import { runProcessor, type RunningProcessor } from '../kafka/runner.js';
import { createMetrics, type ArchiverMetrics } from '../ops/metrics.js';
import { startMetricsListener, type MetricsListener } from '../ops/metrics-endpoint.js';
import { registerOpsRoutes } from '../ops/routes.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { createSink, type MailboxSink } from '../sinks/sink.js';
import { webexMetricsObserver } from './webex-metrics.js';

/**
 * The long-running archiver in one process: the receiver with health, /metrics and the operator
 * dashboard, and any set of processors. `run`, `receiver` and `demo` are thin shells over it.
 */
export interface ArchiverService {
  rt: Runtime;
  app: FastifyInstance | undefined;
  /** e.g. http://127.0.0.1:18080 (when the receiver runs). */
  url: string | undefined;
  /** Where this process's /metrics is served: the receiver's, or the metrics-only listener's. */
  metricsUrl: string | undefined;
  /** This process's counters (records processed and failed per processor, Webex requests). */
  metrics: ArchiverMetrics;
  source: CrawlSource;
  processors: RunningProcessor[];
  stop(): Promise<void>;
}

export interface ServiceOptions {
  processors?: readonly ProcessorName[];
  /** Serve the receiver, /metrics and the dashboard (default true). */
  receiver?: boolean;
  /** Without the receiver: serve /metrics alone on WXA_METRICS_HOST:WXA_METRICS_PORT (default false). */
  metricsListener?: boolean;
  source?: CrawlSource;
}

export async function startService(config: Config, opts: ServiceOptions = {}): Promise<ArchiverService> {
  const rt = await createRuntime(config);
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  let metricsUrl: string | undefined;
  let listener: MetricsListener | undefined;
  // The counters exist whether or not anything serves them: before, a process without the
  // receiver (`run all`) had no observer at all, so its processors and Webex client counted nothing.
  const registry = new Registry();
  const metrics = createMetrics(registry);
  if (opts.receiver !== false) {
    app = buildReceiver({ config, publisher: rt.publisher, logger: rt.logger, isReady: kafkaReadiness(rt.kafka) });
    registerOpsRoutes(app, { config, kafka: rt.kafka, serde: rt.serde, logger: rt.logger, registry, metrics });
    url = (await app.listen({ host: config.receiverHost, port: config.receiverPort })).replace('[::1]', '127.0.0.1');
    metricsUrl = `${url}/metrics`;
  } else if (opts.metricsListener) {
    listener = await startMetricsListener(config, registry);
    metricsUrl = listener.url;
  }
  const observer = metrics.observer;
  const source = opts.source ?? webexSource(createWebexFromConfig(config, rt.logger, webexMetricsObserver(metrics.webexObserver)));
  let sink: Promise<MailboxSink> | undefined;
  const deps = { ...rt, source, sink: () => (sink ??= Promise.resolve(createSink(config, rt.logger))) };
  const processors: RunningProcessor[] = [];
  for (const name of opts.processors ?? PROCESSOR_NAMES) {
    processors.push(await runProcessor(await createProcessor(name, deps), { ...rt, observer }));
  }
  return {
    rt, app, url, metricsUrl, metrics, source, processors,
    async stop() {
      for (const p of [...processors].reverse()) await p.stop().catch(() => undefined);
      await app?.close();
      await listener?.close();
      if (sink) await (await sink).close();
      await rt.close();
    },
  };
}
