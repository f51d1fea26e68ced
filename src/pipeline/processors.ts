import type { CrawlSource } from '../capture/crawl-source.js';
import { runProcessor, type ProcessorShell, type ProcessorSpec, type RunnerObserver, type RunningProcessor } from '../kafka/runner.js';
import { convertProcessor } from '../processors/convert/index.js';
import { dedupeProcessor } from '../processors/dedupe/index.js';
import { hydrateProcessor } from '../processors/hydrate/index.js';
import { importProcessor } from '../processors/import/index.js';
import { limitProcessor } from '../processors/limit/index.js';
import { routeProcessor } from '../processors/route/index.js';
import { stageProcessor } from '../processors/stage/index.js';
import type { Runtime } from '../runtime.js';
import type { MailboxSink } from '../sinks/sink.js';
import { STAGES, type InputOf, type OutputsOf, type StageName } from './stages.js';

export interface ProcessorDeps extends Runtime {
  /** Created on demand: only import needs a mailbox sink. */
  sink: () => Promise<MailboxSink>;
  /** Webex as hydrate reads it; from the configuration when absent. */
  source?: CrawlSource;
}

type ShellOf<N extends StageName> = ProcessorShell<InputOf<N>, OutputsOf<N>>;

/**
 * Each declared stage's shell. The mapped type is the check: a shell whose transform takes
 * another record type than its input topic holds, or writes to a topic its entry in STAGES does
 * not list, does not compile, and neither does a stage declared without a shell.
 */
const SHELLS: { [N in StageName]: (deps: ProcessorDeps) => ShellOf<N> | Promise<ShellOf<N>> } = {
  hydrate: hydrateProcessor,
  convert: convertProcessor,
  dedupe: dedupeProcessor,
  limit: limitProcessor,
  stage: stageProcessor,
  route: routeProcessor,
  import: async (deps) => importProcessor({ ...deps, sink: await deps.sink() }, STAGES.import.retryTopics),
};

/** A stage's declaration joined with a shell: what the runner runs. */
export function processorSpec<N extends StageName>(name: N, shell: ShellOf<N>): ProcessorSpec<InputOf<N>, OutputsOf<N>> {
  return { name, ...STAGES[name], ...shell };
}

export async function createProcessor<N extends StageName>(name: N, deps: ProcessorDeps): Promise<ProcessorSpec<InputOf<N>, OutputsOf<N>>> {
  return processorSpec(name, await SHELLS[name](deps));
}

/** Builds a declared stage and runs it: the one way the service, the tests and the bench start a processor. */
export async function startProcessor(name: StageName, deps: ProcessorDeps, observer?: RunnerObserver): Promise<RunningProcessor> {
  return runProcessor(await createProcessor(name, deps), { ...deps, observer });
}
