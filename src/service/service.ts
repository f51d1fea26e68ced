import type { FastifyInstance } from 'fastify';
import { PROCESSOR_NAMES, createProcessor, type ProcessorName } from '../../processors/index.js';
import { kafkaReadiness } from '../capture/kafka-ready.js';
import { buildReceiver } from '../capture/receiver.js';
import type { CrawlSource } from '../capture/crawl-source.js';
import { createWebexFromConfig, webexSource } from '../capture/webex-source.js';
import type { Config } from '../config/schema.js';
import { runProcessor, type RunningProcessor } from '../kafka/runner.js';
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
  source: CrawlSource;
  processors: RunningProcessor[];
  stop(): Promise<void>;
}

export async function startService(config: Config, opts: { processors?: readonly ProcessorName[]; receiver?: boolean; source?: CrawlSource } = {}): Promise<ArchiverService> {
  const rt = await createRuntime(config);
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  let observer = undefined as Parameters<typeof runProcessor>[1]['observer'];
  let clientObserver = undefined as ReturnType<typeof webexMetricsObserver> | undefined;
  if (opts.receiver !== false) {
    app = buildReceiver({ config, publisher: rt.publisher, logger: rt.logger, isReady: kafkaReadiness(rt.kafka) });
    const ops = registerOpsRoutes(app, { config, kafka: rt.kafka, serde: rt.serde, logger: rt.logger });
    observer = ops.metrics.observer;
    clientObserver = webexMetricsObserver(ops.metrics.webexObserver);
    url = (await app.listen({ host: config.receiverHost, port: config.receiverPort })).replace('[::1]', '127.0.0.1');
  }
  const source = opts.source ?? webexSource(createWebexFromConfig(config, rt.logger, clientObserver));
  let sink: Promise<MailboxSink> | undefined;
  const deps = { ...rt, source, sink: () => (sink ??= Promise.resolve(createSink(config, rt.logger))) };
  const processors: RunningProcessor[] = [];
  for (const name of opts.processors ?? PROCESSOR_NAMES) {
    processors.push(await runProcessor(await createProcessor(name, deps), { ...rt, observer }));
  }
  return {
    rt, app, url, source, processors,
    async stop() {
      for (const p of [...processors].reverse()) await p.stop().catch(() => undefined);
      await app?.close();
      if (sink) await (await sink).close();
      await rt.close();
    },
  };
}
