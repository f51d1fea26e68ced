import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import { ArchiverError, toArchiverError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Publisher } from '../kafka/publisher.js';
import { RESOURCE_HEADER } from '../kafka/records.js';
import { verifyWebhookSignature } from '../webex/signature.js';
import { proxyTrust } from './proxy-trust.js';
import { toWebhookDelivery } from './webhook-envelope.js';

export interface ReceiverDeps {
  config: Pick<Config, 'webhookSecret' | 'receiverMaxBodyBytes' | 'receiverTrustProxy'>;
  publisher: Publisher;
  logger: Logger;
  /** Readiness probe of the path to Kafka (cached by the caller). */
  isReady?: () => Promise<boolean>;
  /** Longest we wait for Kafka before answering 503 so that Webex retries. */
  publishTimeoutMs?: number;
  now?: () => Date;
}

/**
 * The webhook receiver (fastify). `buildReceiver` only builds the app (tests use app.inject());
 * the caller listens. POST /webhooks/webex:
 *   401 missing or wrong X-Spark-Signature (checked over the raw bytes, in constant time),
 *   400 malformed JSON or envelope, 413 body over the limit, 415 not JSON,
 *   202 only after the delivery is durably in webex.webhooks.v1 (acks=all),
 *   503 while Kafka cannot take it, so Webex tries again.
 * It never calls Webex on the request path.
 */
export function buildReceiver(deps: ReceiverDeps): FastifyInstance {
  const { config, publisher } = deps;
  const logger = deps.logger.child({ component: 'receiver' });
  const app: FastifyInstance = Fastify({
    loggerInstance: logger,
    disableRequestLogging: true,
    bodyLimit: config.receiverMaxBodyBytes,
    return503OnClosing: true,
    // Only the proxies named here may say the browser used HTTPS (X-Forwarded-Proto), which makes
    // the operator cookie Secure, and who the client is (X-Forwarded-For), which the sign-in limit counts.
    trustProxy: proxyTrust(config.receiverTrustProxy),
  }) as unknown as FastifyInstance;

  // Keep the exact bytes: the signature is over the body as sent, not over a re-serialization.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: config.receiverMaxBodyBytes }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.receiverMaxBodyBytes }, (_req, _body, done) => {
    done(Object.assign(new Error('content type must be application/json'), { statusCode: 415 }), undefined);
  });

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413) return reply.code(413).send({ error: 'body too large', limitBytes: config.receiverMaxBodyBytes });
    if (status >= 400 && status < 500) return reply.code(status).send({ error: err.message });
    req.log.error({ err: err.message }, 'receiver error');
    return reply.code(500).send({ error: 'internal error' });
  });

  app.post('/webhooks/webex', async (req, reply) => {
    const raw = req.body as Buffer | undefined;
    if (!Buffer.isBuffer(raw) || raw.length === 0) return reply.code(400).send({ error: 'empty body' });
    const signature = req.headers['x-spark-signature'];
    if (!verifyWebhookSignature(raw, typeof signature === 'string' ? signature : undefined, config.webhookSecret)) {
      logger.warn({ ip: req.ip, hasSignature: typeof signature === 'string' }, 'webhook rejected: bad signature');
      return reply.code(401).send({ error: 'invalid signature' });
    }
    let delivery;
    try {
      delivery = toWebhookDelivery(raw, (deps.now ?? (() => new Date()))());
    } catch (err) {
      return reply.code(400).send({ error: (err as Error).message });
    }
    try {
      await withTimeout(
        publisher.publish([{ topic: 'webhooks', key: delivery.roomId ?? delivery.dataId, value: delivery, headers: { [RESOURCE_HEADER]: delivery.resource } }]),
        deps.publishTimeoutMs ?? 10_000,
      );
    } catch (err) {
      const e = toArchiverError(err);
      logger.error({ code: e.code, err: e.message, deliveryId: delivery.deliveryId }, 'could not write webhook to Kafka; answering 503 so Webex retries');
      return reply.code(503).header('Retry-After', '5').send({ error: 'temporarily unavailable' });
    }
    logger.debug({ deliveryId: delivery.deliveryId, resource: delivery.resource, event: delivery.event, dataId: delivery.dataId }, 'webhook accepted');
    return reply.code(202).send({ accepted: delivery.deliveryId });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ready = deps.isReady ? await deps.isReady().catch(() => false) : true;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  return app;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ArchiverError('TIMEOUT', `no answer from Kafka within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
