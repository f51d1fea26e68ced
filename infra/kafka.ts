import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { CACHE_DIR, HOST, PORTS, ROOT, RUN_DIR } from './paths.js';
import { isAlive, logFile, pidFile, readPid, runToCompletion, spawnDetached, stopPid, waitFor } from './process.js';
import type { LocalServer } from './server.js';

/** Apache Kafka in KRaft combined mode (broker + controller), one node, from Maven Central jars. */
const KAFKA_VERSION = '4.1.1';
export const KAFKA_CACHE = path.join(CACHE_DIR, `kafka-${KAFKA_VERSION}`);
const LIBS = path.join(KAFKA_CACHE, 'libs');
const COMPLETE = path.join(KAFKA_CACHE, '.complete');
const DIR = path.join(RUN_DIR, 'kafka');

function serverProperties(): string {
  // Single-node settings: replication 1 everywhere, no initial rebalance delay (tests join fast).
  // What this gives up: every acknowledged record is on this one disk, so acks=all is one copy
  // and topics get no min.insync.replicas (src/kafka/topic-durability.ts needs replication >= 2).
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${PORTS.kafkaController}`,
    `listeners=PLAINTEXT://${HOST}:${PORTS.kafka},CONTROLLER://${HOST}:${PORTS.kafkaController}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${PORTS.kafka}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${path.join(DIR, 'data')}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=2',
    'log.cleaner.backoff.ms=2000',
    'message.max.bytes=8388608',
  ].join('\n') + '\n';
}

const LOG4J2 = [
  'status=warn',
  'appender.stdout.type=Console',
  'appender.stdout.name=STDOUT',
  'appender.stdout.layout.type=PatternLayout',
  'appender.stdout.layout.pattern=[%d] %p %m (%c)%n',
  'rootLogger.level=INFO',
  'rootLogger.appenderRef.stdout.ref=STDOUT',
  'logger.kafka.name=kafka',
  'logger.kafka.level=WARN',
  'logger.org.name=org.apache.kafka',
  'logger.org.level=WARN',
  'logger.state.name=state.change.logger',
  'logger.state.level=WARN',
  'logger.server.name=kafka.server.KafkaRaftServer',
  'logger.server.level=INFO',
].join('\n') + '\n';

/** Kafka's cluster id: 16 random bytes, URL-safe base64, not starting with '-' (as Uuid.randomUuid). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function launchBroker(): number {
  return spawnDetached('kafka', 'java', [
    '-Xms256m', '-Xmx1g', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true', `-Dkafka.logs.dir=${path.join(DIR, 'logs')}`,
    `-Dlog4j2.configurationFile=${path.join(DIR, 'log4j2.properties')}`,
    '-cp', `${LIBS}/*`, 'kafka.Kafka', path.join(DIR, 'server.properties'),
  ]);
}

/**
 * Restarts the broker we started, keeping its data (the soak test's "broker restart"): a
 * controlled shutdown, then the same storage started again.
 */
export async function restartKafkaKeepingData(progress: (line: string) => void = () => undefined): Promise<number> {
  const pid = readPid(pidFile('kafka'));
  if (pid === undefined || !isAlive(pid)) throw new Error('kafka: not started by this project; nothing to restart');
  progress(`kafka: stopping pid ${pid} (data kept)`);
  await stopPid(pid);
  const next = launchBroker();
  await waitFor('kafka', () => kafkaServer.healthy(), kafkaServer.startTimeoutMs, () => isAlive(next));
  progress(`kafka: restarted as pid ${next}`);
  return next;
}

/**
 * Whether the Kafka jar cache in `dir` is complete, so `prepare` need not run Maven: the marker
 * written after a successful copy-dependencies, and the jars themselves. (Before, a marker without
 * its libs/ folder made readdirSync throw ENOENT instead of downloading again.)
 */
export function kafkaJarsCached(dir: string = KAFKA_CACHE): boolean {
  const libs = path.join(dir, 'libs');
  return existsSync(path.join(dir, '.complete')) && existsSync(libs) && readdirSync(libs).filter((f) => f.endsWith('.jar')).length > 10;
}

export const kafkaServer: LocalServer = {
  name: 'kafka',
  endpoint: `${HOST}:${PORTS.kafka}`,
  startTimeoutMs: 90_000,

  async prepare(progress) {
    if (kafkaJarsCached()) { progress(`kafka: reusing cached jars in ${path.relative(ROOT, KAFKA_CACHE)}`); return; }
    progress(`kafka: resolving Kafka ${KAFKA_VERSION} jars from Maven Central into .cache (first run only, ~100 MB)`);
    runToCompletion('kafka-maven', 'mvn', [
      '-B', '-q', '-f', path.join(ROOT, 'infra', 'kafka', 'pom.xml'),
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
      '-DincludeScope=runtime', `-DoutputDirectory=${LIBS}`,
    ]);
    writeFileSync(COMPLETE, new Date().toISOString());
  },

  async start(progress) {
    // Scratch storage: a fresh, formatted log dir each start (the local broker holds test data only).
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
    const props = path.join(DIR, 'server.properties');
    writeFileSync(props, serverProperties());
    writeFileSync(path.join(DIR, 'log4j2.properties'), LOG4J2);
    progress('kafka: formatting storage');
    runToCompletion('kafka', 'java', ['-cp', `${LIBS}/*`, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', props, '--ignore-formatted']);
    progress(`kafka: starting broker on ${this.endpoint} (log: ${logFile('kafka')})`);
    return launchBroker();
  },

  async healthy() {
    const kafka = new Kafka({ clientId: 'infra-health', brokers: [this.endpoint], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 && cluster.controller !== null;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },

  async afterStop() {
    rmSync(DIR, { recursive: true, force: true });
  },
};
