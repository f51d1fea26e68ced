import type { CrawlSource } from '../capture/crawl-source.js';
import type { ProcessorSpec } from '../kafka/runner.js';
import type { Runtime } from '../runtime.js';
import type { MailboxSink } from '../sinks/sink.js';
import { convertProcessor } from './convert/index.js';
import { dedupeProcessor } from './dedupe/index.js';
import { hydrateProcessor } from './hydrate/index.js';
import { importProcessor } from './import/index.js';
import { limitProcessor } from './limit/index.js';
import { routeProcessor } from './route/index.js';
import { stageProcessor } from './stage/index.js';

/** Every processor in pipeline order. `run all` starts them in this order. */
export const PROCESSOR_NAMES = ['hydrate', 'convert', 'dedupe', 'limit', 'stage', 'route', 'import'] as const;
export type ProcessorName = (typeof PROCESSOR_NAMES)[number];

export interface ProcessorDeps extends Runtime {
  /** Created on demand: only import needs a mailbox sink. */
  sink: () => Promise<MailboxSink>;
  /** Webex as hydrate reads it; from the configuration when absent. */
  source?: CrawlSource;
}

export async function createProcessor(name: ProcessorName, deps: ProcessorDeps): Promise<ProcessorSpec<never>> {
  switch (name) {
    case 'hydrate': return hydrateProcessor(deps) as ProcessorSpec<never>;
    case 'convert': return convertProcessor(deps) as ProcessorSpec<never>;
    case 'dedupe': return dedupeProcessor(deps) as ProcessorSpec<never>;
    case 'limit': return limitProcessor(deps) as ProcessorSpec<never>;
    case 'stage': return stageProcessor(deps) as ProcessorSpec<never>;
    case 'route': return routeProcessor(deps) as ProcessorSpec<never>;
    case 'import': return importProcessor({ ...deps, sink: await deps.sink() }) as ProcessorSpec<never>;
  }
}
