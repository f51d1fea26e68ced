import { readFile } from 'node:fs/promises';
import { ArchiverError } from '../errors.js';
import { createLogger } from '../log.js';
import type { SimContext } from './context.js';
import { expectedVersions } from './expected.js';
import { Faults } from './faults.js';
import { checkFixture } from './fixture-check.js';
import type { OrgFixture } from './fixture-types.js';
import { generateOrg } from './generate.js';
import { bareOrgId, membershipId } from './ids.js';
import { playLive } from './live.js';
import { registerControlRoutes } from './routes-control.js';
import { buildSimulatorApp } from './server.js';
import { StatsRecorder } from './stats.js';
import { ME_KEY, OrgStore } from './store.js';
import type { SimulatorIds, SimulatorOptions, WebexSimulator } from './types.js';
import { DEFAULT_DELIVERY, WebhookDispatcher } from './webhook-delivery.js';

export type { ExpectedFile, ExpectedVersion } from './expected.js';
export type { FaultSettings } from './faults.js';
export type { FixtureEdit, FixtureFile, FixtureMembership, FixtureMessage, FixturePerson, FixtureRoom, FixtureTeam, OrgFixture } from './fixture-types.js';
export type { PlayLiveOptions, PlayLiveResult } from './live.js';
export type { SimulatorStats } from './stats.js';
export type { SeedOptions, SimulatorIds, SimulatorOptions, WebexSimulator } from './types.js';
export { checkFixture } from './fixture-check.js';
export { generateOrg } from './generate.js';
export { decodeId, encodeId } from './ids.js';

/** Reads and checks a fixture file; errors name the file and the JSON path. */
export async function loadFixtureFile(path: string): Promise<OrgFixture> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ArchiverError('BAD_INPUT', `fixture ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return checkFixture(parsed);
  } catch (err) {
    throw new ArchiverError('BAD_INPUT', `${path}: ${(err as Error).message}`, { cause: err });
  }
}

async function resolveFixture(opts: SimulatorOptions): Promise<OrgFixture> {
  const given = [opts.fixture, opts.fixturePath, opts.seed].filter((x) => x !== undefined).length;
  if (given > 1) throw new ArchiverError('CONFIG', 'simulator: give only one of fixture, fixturePath or seed');
  if (opts.fixture) return checkFixture(opts.fixture);
  if (opts.fixturePath) return loadFixtureFile(opts.fixturePath);
  return checkFixture(generateOrg(opts.seed ?? { seed: 1, users: 6, rooms: 4, messages: 40 }));
}

function makeIds(store: OrgStore): SimulatorIds {
  const need = <T extends { id: string }>(what: string, map: Map<string, T>, key: string): T => {
    const rec = map.get(key);
    if (!rec) throw new ArchiverError('NOT_FOUND', `simulator: no ${what} with fixture key "${key}"`);
    return rec;
  };
  return {
    person: (k) => need('person', store.people, k).id,
    room: (k) => need('room', store.rooms, k).id,
    team: (k) => need('team', store.teams, k).id,
    message: (k) => need('message', store.messages, k).id,
    membership: (r, p) => membershipId(need('person', store.people, p).uuid, need('room', store.rooms, r).uuid),
    content: (k, i = 0) => {
      const f = need('message', store.messages, k).files[i];
      if (!f) throw new ArchiverError('NOT_FOUND', `simulator: message "${k}" has no file ${i}`);
      return f.contentId;
    },
    meeting: (k) => need('meeting', store.meetings, k).id,
    meetingMessage: (m, k) => need('meeting message', new Map(need('meeting', store.meetings, m).messages.map((x) => [x.key, x])), k).id,
    transcript: (m, k) => need('transcript', new Map(need('meeting', store.meetings, m).transcripts.map((x) => [x.key, x])), k).id,
    keyOf: (id) => {
      for (const kind of ['person', 'room', 'team', 'message'] as const) {
        const rec = store.findById(kind, id);
        if (rec) return rec.key;
      }
      return undefined;
    },
  };
}

/**
 * Starts the Webex simulator (DESIGN.md, "The Webex simulator"): the REST API under `/v1`, signed
 * webhook deliveries, switchable faults, and control routes under `/_simulator`.
 */
export async function startWebexSimulator(opts: SimulatorOptions = {}): Promise<WebexSimulator> {
  const fixture = await resolveFixture(opts);
  const log = (opts.logger ?? createLogger({ level: 'warn' })).child({ component: 'webex-simulator' });
  const now = opts.now ?? Date.now;
  const store = new OrgStore(fixture, { hold: opts.holdMessages === true });
  const faults = new Faults({ ...opts.faults, ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}) });
  const stats = new StatsRecorder();
  const webhooks = new WebhookDispatcher(store, faults, stats, log, {
    failureThreshold: opts.webhookFailureThreshold ?? DEFAULT_DELIVERY.failureThreshold,
    failureWindowMs: opts.webhookFailureWindowMs ?? DEFAULT_DELIVERY.failureWindowMs,
    timeoutMs: opts.webhookTimeoutMs ?? DEFAULT_DELIVERY.timeoutMs,
    concurrency: opts.webhookConcurrency ?? DEFAULT_DELIVERY.concurrency,
  }, now);
  let baseUrl = '';
  const ctx: SimContext = {
    store, faults, stats, webhooks, log, now, baseUrl: () => baseUrl,
    acceptToken: opts.acceptToken ?? ((t) => t.length > 0),
    webhookSecretDefault: opts.webhookSecretDefault,
  };
  const app = buildSimulatorApp(ctx);
  const sim: WebexSimulator = {
    get baseUrl() {
      return baseUrl;
    },
    orgId: bareOrgId(store.orgUuid),
    meId: store.people.get(ME_KEY)!.id,
    ids: makeIds(store),
    faults: { set: (p) => faults.set(p), clear: () => faults.clear(), current: () => faults.current() },
    expected: () => expectedVersions(store, baseUrl),
    playLive: (o) => playLive(ctx, o),
    webhooksIdle: () => webhooks.idle(),
    get stats() {
      return stats.snapshot();
    },
    resetStats: () => stats.reset(),
    close: async () => {
      await app.close();
    },
  };
  registerControlRoutes(app, sim);
  const address = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const url = new URL(address);
  // Report the host as asked (listen may answer with a resolved form) and the real port.
  baseUrl = `http://${(opts.host ?? '127.0.0.1').includes(':') ? `[${opts.host}]` : opts.host ?? '127.0.0.1'}:${url.port}/v1`;
  log.info({ baseUrl }, 'webex simulator listening');
  return sim;
}
