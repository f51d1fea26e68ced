import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { operatorGate } from '../capture/operator-auth.js';
import { isHttps, proxyTrust } from '../capture/proxy-trust.js';
import type { BlobStore } from '../blob/store.js';
import type { Config } from '../config/schema.js';
import { ArchiverError, toArchiverError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Serde } from '../kafka/serde.js';
import type { CrawlerStatus } from './crawler-status.js';
import { toDashboardStatus } from './dashboard-status.js';
import { createLagSource } from './lag-source.js';
import { LOGIN_CSS, loginPage, UNAUTHORIZED_HTML } from './login.js';
import { captureLatencySeconds, createMetrics, registerLagMetrics, registerOutcomeMetrics, registerParkedWaitingMetric, type ArchiverMetrics } from './metrics.js';
import { registerMetricsRoute } from './metrics-endpoint.js';
import { startDeadLetterTail } from './dead-letter-tail.js';
import { createOperatorSessions, type OperatorSessions } from './operator-sessions.js';
import { startOutcomeTail, type OutcomeTail } from './outcome-tail.js';
import { replay } from './replay.js';
import { toReplayRequest } from './replay-plan.js';
import { readTrace } from './trace-read.js';
import { statusLogCsv, statusLogJson } from './status-log-format.js';
import { readDailyLog } from './status-log-read.js';
import { readCrawlerStatus } from './status-report.js';
import { fetchParkedWaiting, type RecoveryView } from './recovery.js';
import { clearSessionCookie, sessionIdFrom, setSessionCookie } from './session-cookie.js';
import type { SignInLimiter } from './sign-in-limiter.js';

export interface OpsDeps {
  config: Pick<Config, 'operatorToken' | 'metricsPublic' | 'topicPrefix' | 'receiverTrustProxy'>;
  kafka: Kafka;
  serde: Serde;
  /** Where staged items are, for the trace search (their size and SHA-256 are checked again). */
  blob: BlobStore;
  logger: Logger;
  /** The process's registry; a fresh one when absent. */
  registry?: Registry;
  /** Metrics already created on `registry` by the caller; created here when absent. */
  metrics?: ArchiverMetrics;
  /** Follow the outcomes topic for the dashboard and the capture-latency histogram (default true). */
  tailOutcomes?: boolean;
  lagTtlMs?: number;
  /** The operator sessions; a fresh store when absent (tests share one across a token rotation). */
  sessions?: OperatorSessions;
  /** Failed sign-ins per address; the default allows 10 in 10 minutes. */
  limiter?: SignInLimiter;
}

const DASHBOARD_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dashboard');
const ASSETS: Record<string, string> = { 'index.html': 'text/html; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8', 'style.css': 'text/css; charset=utf-8' };
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Operator endpoints, mounted on the receiver (or any fastify app):
 *   GET  /metrics              Prometheus text; open or operator-only per config.metricsPublic
 *   GET  /ops/login, POST      sign-in form: opens a session, sets its id as cookie; POST /ops/logout ends it
 *   GET  /ops/                 the dashboard (static HTML + JS, polls /ops/api/status)
 *   GET  /ops/api/status       JSON for the dashboard
 *   GET  /ops/api/trace?id=    one message's story (`trace`), one query at a time
 *   GET  /ops/log              the daily status log (?since=YYYY-MM-DD&format=csv|json)
 *   POST /ops/replay           {processor, toEarliest | toTime, mailbox?, waitSeconds?}
 * Everything under /ops except the login form needs the operator credential (Bearer header or
 * session cookie, checked by src/capture/operator-auth.ts): without it, 401 and nothing else.
 * Routes live in their own plugin context, with their own body parsers, so the receiver's
 * raw-bytes webhook parser stays as it is.
 */
export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): { registry: Registry; metrics: ArchiverMetrics } {
  const registry = deps.registry ?? new Registry();
  const metrics = deps.metrics ?? createMetrics(registry);
  const logger = deps.logger.child({ component: 'ops' });
  const lag = createLagSource(deps.kafka, deps.config, { ttlMs: deps.lagTtlMs ?? 5_000 });
  registerLagMetrics(registry, lag);
  const sessions = deps.sessions ?? createOperatorSessions();
  const gate = operatorGate({ token: deps.config.operatorToken, sessions, limiter: deps.limiter, logger });
  const auth = gate.require;
  const trust = proxyTrust(deps.config.receiverTrustProxy);
  const assets = new Map(Object.keys(ASSETS).map((f) => [f, readFileSync(path.join(DASHBOARD_DIR, f), 'utf8')]));

  const outcomes = lazyTail(() => startOutcomeTail({ ...deps, logger }, {
    onLive: (o) => { const s = captureLatencySeconds(o); if (s !== undefined) metrics.observeCaptureLatency(s); },
  }), deps.tailOutcomes !== false, logger);
  const deadLetters = lazyTail(() => startDeadLetterTail(deps), deps.tailOutcomes !== false, logger);
  // The tail once it runs, for /metrics' outcome counts (which must not start it).
  let outcomesNow: OutcomeTail | undefined;
  let crawler: { at: number; value: Promise<CrawlerStatus | null> } | undefined;
  const crawlerStatus = () => {
    if (!crawler || Date.now() - crawler.at > 30_000) {
      crawler = { at: Date.now(), value: readCrawlerStatus(deps).catch(() => null) };
    }
    return crawler.value;
  };

  registerOutcomeMetrics(registry, () => outcomesNow?.view().today ?? null);
  // Parked tasks waiting on the retry topics, asked of Kafka at most every 5 s (like the lag).
  let waiting: { at: number; value: Promise<RecoveryView['waiting']> } | undefined;
  const parkedWaiting = () => {
    if (!waiting || Date.now() - waiting.at > 5_000) {
      waiting = { at: Date.now(), value: (async () => {
        const admin = deps.kafka.admin();
        await admin.connect();
        try { return await fetchParkedWaiting(admin, deps.config); } finally { await admin.disconnect(); }
      })().catch(() => null) };
    }
    return waiting.value;
  };
  registerParkedWaitingMetric(registry, parkedWaiting);
  app.addHook('onReady', async () => { void outcomes.get().then((t) => { outcomesNow = t; }); void deadLetters.get(); });
  app.addHook('onClose', async () => {
    await lag.close();
    await outcomes.stop();
    await deadLetters.stop();
  });

  void app.register(async (ops) => {
    ops.removeAllContentTypeParsers();
    ops.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
      try { done(null, body === '' ? {} : JSON.parse(body as string)); } catch { done(Object.assign(new Error('malformed JSON'), { statusCode: 400 }), undefined); }
    });
    ops.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    registerMetricsRoute(ops, registry, deps.config, gate);

    ops.get('/ops/login', async (_req, reply) => html(reply, 200, loginPage()));
    ops.get('/ops/login.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(LOGIN_CSS));
    ops.post('/ops/login', async (req, reply) => {
      const result = gate.checkToken(req, (req.body as { token?: unknown } | undefined)?.token);
      if (!result.ok && result.retryAfterSeconds > 0) {
        return html(reply.header('Retry-After', String(result.retryAfterSeconds)), 429, loginPage(`Too many failed sign-ins from this address; try again in ${Math.ceil(result.retryAfterSeconds / 60)} min.`));
      }
      if (!result.ok) return html(reply, 401, loginPage('That token is not right.'));
      const session = sessions.open(deps.config.operatorToken);
      setSessionCookie(reply, isHttps(req, trust), session.id, session.maxAgeSeconds);
      return reply.code(303).header('Location', '/ops/').send();
    });
    ops.post('/ops/logout', async (req, reply) => {
      const id = sessionIdFrom(req.headers.cookie);
      if (id !== undefined) sessions.revoke(id);
      clearSessionCookie(reply, isHttps(req, trust));
      return reply.code(303).header('Location', '/ops/login').send();
    });

    // The dashboard's 401 is a link to the sign-in form instead of JSON: still nothing about the system.
    const htmlAuth = { preHandler: auth, onSend: async (_req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (reply.statusCode !== 401) return payload;
      reply.type('text/html; charset=utf-8');
      return UNAUTHORIZED_HTML;
    } };
    ops.get('/ops', htmlAuth, async (_req, reply) => reply.code(302).header('Location', '/ops/').send());
    ops.get('/ops/', htmlAuth, async (_req, reply) => asset(reply, 'index.html'));
    ops.get('/ops/app.js', { preHandler: auth }, async (_req, reply) => asset(reply, 'app.js'));
    ops.get('/ops/style.css', { preHandler: auth }, async (_req, reply) => asset(reply, 'style.css'));

    ops.get('/ops/api/status', { preHandler: auth }, async (_req, reply) => {
      const [snap, t, c, d, w] = await Promise.all([lag.get(), outcomes.get(), crawlerStatus(), deadLetters.get(), parkedWaiting()]);
      return reply.header('Cache-Control', 'no-store').send(toDashboardStatus(snap, t?.view() ?? null, c, new Date(), { deadLetters: d?.view() ?? null, waiting: w, pausedCodes: (p) => metrics.pausedCodes(p) }));
    });

    // A trace reads every topic whole; one at a time, so a few clicks cannot multiply that.
    let tracing: Promise<unknown> = Promise.resolve();
    ops.get('/ops/api/trace', { preHandler: auth }, async (req, reply) => {
      const id = String((req.query as { id?: unknown }).id ?? '').trim();
      if (!id || id.length > 512) return reply.code(400).send({ error: 'id wants a Webex message id or an item id' });
      const run = tracing.then(() => readTrace(deps, id));
      tracing = run.catch(() => undefined);
      return reply.header('Cache-Control', 'no-store').send(await run);
    });

    ops.get('/ops/log', { preHandler: auth }, async (req, reply) => {
      const q = req.query as { since?: string; format?: string };
      const format = q.format ?? 'csv';
      if (format !== 'csv' && format !== 'json') return reply.code(400).send({ error: 'format must be csv or json' });
      let log;
      try {
        log = await readDailyLog(deps, { ...(q.since ? { sinceDay: q.since } : {}) });
      } catch (err) {
        if (err instanceof RangeError) return reply.code(400).send({ error: err.message });
        throw err;
      }
      const name = `webex-archiver-status-${log.from}-to-${log.to}.${format}`;
      return reply
        .header('Cache-Control', 'no-store')
        .header('Content-Disposition', `attachment; filename="${name}"`)
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .send(format === 'csv' ? statusLogCsv(log) : statusLogJson(log));
    });

    ops.post('/ops/replay', { preHandler: auth }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        const request = toReplayRequest(body);
        // An HTTP request should not hang: wait at most a minute for the group to go idle.
        const waitSeconds = Math.min(60, Math.max(0, Number(body.waitSeconds ?? 0) || 0));
        const result = await replay({ kafka: deps.kafka, config: deps.config, logger }, request, { waitTimeoutMs: waitSeconds * 1000 });
        return reply.send(result);
      } catch (err) {
        const e = toArchiverError(err);
        if (e.code === 'BAD_INPUT') return reply.code(400).send({ error: e.message });
        if (e.code === 'TIMEOUT') return reply.code(409).send({ error: e.message });
        throw err instanceof ArchiverError ? err : e;
      }
    });
  });

  function asset(reply: FastifyReply, file: string) {
    return reply
      .header('Content-Security-Policy', CSP)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .header('Cache-Control', 'no-store')
      .type(ASSETS[file]!)
      .send(assets.get(file));
  }
  return { registry, metrics };
}

/**
 * A topic follower started on first use and shared by every request; when it cannot start (the
 * broker is away), the next request tries again instead of the page staying empty for good.
 */
function lazyTail<T extends { stop(): Promise<void> }>(start: () => Promise<T>, enabled: boolean, logger: Logger) {
  let starting: Promise<T | undefined> | undefined;
  return {
    get(): Promise<T | undefined> {
      if (!enabled) return Promise.resolve(undefined);
      starting ??= start().catch((err: unknown) => {
        logger.warn({ err: (err as Error).message }, 'topic tail not running; will try again on the next request');
        starting = undefined;
        return undefined;
      });
      return starting;
    },
    async stop() { await (await starting)?.stop(); },
  };
}

function html(reply: FastifyReply, code: number, body: string) {
  return reply.code(code).header('Content-Security-Policy', CSP).header('X-Frame-Options', 'DENY').type('text/html; charset=utf-8').send(body);
}
