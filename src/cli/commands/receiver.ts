import { buildReceiver } from '../../capture/receiver.js';
import { kafkaReadiness } from '../../capture/kafka-ready.js';
import { loadConfig } from '../../config/load.js';
import { createRuntime } from '../../runtime.js';
import { parseFlags, type Command } from '../command.js';
import { onShutdown, untilShutdown } from '../lifecycle.js';

export const receiverCommand: Command = {
  name: 'receiver',
  summary: 'the webhook receiver, with health, readiness, metrics and the operator dashboard',
  usage: `webex-archiver receiver [--port N] [--host H]

  POST /webhooks/webex   verified (X-Spark-Signature), written to Kafka (acks=all), then 202
  GET  /healthz /readyz  liveness; readiness (Kafka reachable)
  Listens on WXA_RECEIVER_HOST:WXA_RECEIVER_PORT unless given.`,

  async run(argv) {
    const { values } = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' } });
    const config = loadConfig(process.env, {
      ...(values.port ? { WXA_RECEIVER_PORT: values.port } : {}),
      ...(values.host ? { WXA_RECEIVER_HOST: values.host } : {}),
    });
    const rt = await createRuntime(config);
    const app = buildReceiver({ config, publisher: rt.publisher, logger: rt.logger, isReady: kafkaReadiness(rt.kafka) });
    const address = await app.listen({ host: config.receiverHost, port: config.receiverPort });
    process.stdout.write(`receiver listening on ${address} (webhooks: ${address}/webhooks/webex)\n`);
    onShutdown('runtime', () => rt.close());
    onShutdown('receiver', () => app.close());
    await untilShutdown();
  },
};
