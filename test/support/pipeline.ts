import { startProcessor } from '../../src/pipeline/processors.js';
import { STAGE_NAMES, type StageName } from '../../src/pipeline/stages.js';
import type { Config } from '../../src/config/schema.js';
import type { RunningProcessor } from '../../src/kafka/runner.js';
import type { Outcome } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createSink } from '../../src/sinks/create-sink.js';
import type { MailboxSink } from '../../src/sinks/sink.js';

/** Runs processors in this process against the real servers, for end-to-end tests. */
export interface TestPipeline {
  rt: Runtime;
  running: RunningProcessor[];
  stop(): Promise<void>;
  outcomes(): Promise<Outcome[]>;
}

export async function startPipeline(config: Config, names: readonly StageName[] = STAGE_NAMES): Promise<TestPipeline> {
  const rt = await createRuntime(config);
  let sink: Promise<MailboxSink> | undefined;
  const deps = { ...rt, sink: () => (sink ??= Promise.resolve(createSink(config, rt.logger, rt))) };
  const running: RunningProcessor[] = [];
  for (const name of names) running.push(await startProcessor(name, deps));
  return {
    rt,
    running,
    async stop() {
      for (const r of running.reverse()) await r.stop();
      if (sink) await (await sink).close();
      await rt.close();
    },
    async outcomes() {
      const out: Outcome[] = [];
      await readTopicToEnd<Outcome>(rt.kafka, rt.serde, topicName(config, 'outcomes'), (v) => v && out.push(v));
      return out;
    },
  };
}
