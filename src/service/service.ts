import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { startProcessor } from '../pipeline/processors.js';
import { STAGE_NAMES, type StageName } from '../pipeline/stages.js';
import { kafkaReadiness } from '../capture/kafka-ready.js';
import { buildReceiver } from '../capture/receiver.js';
import type { CrawlSource } from '../capture/crawl-source.js';
import { createWebexFromConfig, webexSource } from '../capture/webex-source.js';
import type { Config } from '../config/schema.js';
import type { ArchiverError } from '../errors.js';
import type { RunningProcessor } from '../kafka/runner.js';
import { createMetrics, type ArchiverMetrics } from '../ops/metrics.js';
import { startMetricsListener, type MetricsListener } from '../ops/metrics-endpoint.js';
import { registerOpsRoutes } from '../ops/routes.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { createSink } from '../sinks/create-sink.js';
import type { MailboxSink } from '../sinks/sink.js';
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
  /**
   * Resolves when one of the processors died for good (RunningProcessor.failed); the service has
   * then logged it and is stopping itself, so that `run` can exit non-zero and be restarted.
   */
  failed: Promise<ProcessorFailure>;
  /** Idempotent: a failed processor's stop and the caller's can both call it. */
  stop(): Promise<void>;
}

export interface ProcessorFailure {
  processor: string;
  error: ArchiverError;
}

export interface ServiceOptions {
  processors?: readonly StageName[];
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
    registerOpsRoutes(app, { config, kafka: rt.kafka, serde: rt.serde, blob: rt.blob, logger: rt.logger, registry, metrics });
    url = (await app.listen({ host: config.receiverHost, port: config.receiverPort })).replace('[::1]', '127.0.0.1');
    metricsUrl = `${url}/metrics`;
  } else if (opts.metricsListener) {
    listener = await startMetricsListener(config, registry, rt.logger);
    metricsUrl = listener.url;
  }
  const observer = metrics.observer;
  const source = opts.source ?? webexSource(createWebexFromConfig(config, rt.logger, webexMetricsObserver(metrics.webexObserver)));
  let sink: Promise<MailboxSink> | undefined;
  const deps = { ...rt, source, sink: () => (sink ??= Promise.resolve(createSink(config, rt.logger, rt))) };
  const processors: RunningProcessor[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= (async () => {
    for (const p of [...processors].reverse()) await p.stop().catch(() => undefined);
    await app?.close();
    await listener?.close();
    if (sink) await (await sink).close();
    await rt.close();
  })());
  let reportFailure!: (f: ProcessorFailure) => void;
  const failed = new Promise<ProcessorFailure>((resolve) => { reportFailure = resolve; });
  for (const name of opts.processors ?? STAGE_NAMES) {
    const p = await startProcessor(name, deps, observer);
    processors.push(p);
    // A processor that stopped consuming must not leave a process that looks alive: say which one
    // and why, and stop everything, so the process ends and its orchestrator restarts it (safe:
    // at-least-once plus idempotent effects; the failed chunk was never committed).
    void p.failed.then((error) => {
      rt.logger.fatal({ processor: p.name, code: error.code, err: error.message }, `processor ${p.name} stopped consuming; stopping the service so that the process is restarted`);
      reportFailure({ processor: p.name, error });
      void stop();
    });
  }
  return { rt, app, url, metricsUrl, metrics, source, processors, failed, stop };
}
