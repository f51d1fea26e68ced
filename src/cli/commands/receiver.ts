import { loadConfig } from '../../config/load.js';
import { startService } from '../../service/service.js';
import { parseFlags, type Command } from '../command.js';
import { onShutdown, untilShutdown } from '../lifecycle.js';

export const receiverCommand: Command = {
  name: 'receiver',
  usage: `webex-archiver receiver [--port N] [--host H]

  POST /webhooks/webex   verified (X-Spark-Signature), written to Kafka (acks=all), then 202
  GET  /healthz /readyz  liveness; readiness (Kafka reachable)
  GET  /metrics          consumer lag, throughput, Webex 429s and retries, capture latency
  GET  /ops/             the operator dashboard (operator credential: Bearer token, or sign in at /ops/login)
  GET  /ops/log          the daily status log (?format=csv|json&since=DATE), credential required
  POST /ops/replay       replay a processor's group, credential required
  Listens on WXA_RECEIVER_HOST:WXA_RECEIVER_PORT unless given.`,

  async run(argv) {
    const { values } = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' } });
    const config = loadConfig(process.env, {
      ...(values.port ? { WXA_RECEIVER_PORT: values.port } : {}),
      ...(values.host ? { WXA_RECEIVER_HOST: values.host } : {}),
    });
    const service = await startService(config, { processors: [], receiver: true });
    process.stdout.write(`receiver listening on ${service.url} (webhooks: ${service.url}/webhooks/webex, dashboard: ${service.url}/ops/)\n`);
    onShutdown('service', () => service.stop());
    await untilShutdown();
  },
};
