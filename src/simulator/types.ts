import type { ExpectedVersion } from './expected.js';
import type { FaultSettings } from './faults.js';
import type { OrgFixture } from './fixture-types.js';
import type { PlayLiveOptions, PlayLiveResult } from './live.js';
import type { SimulatorStats } from './stats.js';
import type { Logger } from '../log.js';

/** Options for generating an organization instead of loading a fixture (generate.ts). */
export interface SeedOptions {
  seed: number;
  users: number;
  rooms: number;
  messages: number;
  /** Include files over 10 MB (bytes are streamed, never held). Default false: files up to ~2 MB. */
  largeFiles?: boolean;
}

export interface SimulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  fixture?: OrgFixture;
  fixturePath?: string;
  seed?: SeedOptions;
  /** Which bearer tokens are accepted; default: any non-empty token. */
  acceptToken?: (token: string) => boolean;
  /** A per-token rate limit from the start (also switchable as a fault). */
  rateLimit?: { perMinute: number };
  /** Secret used to sign deliveries of webhooks registered without one. */
  webhookSecretDefault?: string;
  /** Failed deliveries inside `webhookFailureWindowMs` that disable a webhook (documented: 100). */
  webhookFailureThreshold?: number;
  /** Documented: 5 minutes. */
  webhookFailureWindowMs?: number;
  /** Per-delivery timeout (ms, default 10 000). */
  webhookTimeoutMs?: number;
  /** Deliveries in flight per webhook (default 4; 1 delivers strictly in order). */
  webhookConcurrency?: number;
  /** Fixture messages stay invisible (no REST, no events) until playLive() plays them. */
  holdMessages?: boolean;
  /** Faults switched on from the start. */
  faults?: FaultSettings;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
  logger?: Logger;
}

export interface SimulatorIds {
  person(key: string): string;
  room(key: string): string;
  team(key: string): string;
  message(key: string): string;
  membership(roomKey: string, personKey: string): string;
  /** The content id of a message's file (by position in the fixture's `files`). */
  content(messageKey: string, index?: number): string;
  /** The fixture key behind a Webex id, if any. */
  keyOf(id: string): string | undefined;
  /** A meeting's instance id, one of its chat messages' ids, one of its transcripts' ids. */
  meeting(key: string): string;
  meetingMessage(meetingKey: string, messageKey: string): string;
  transcript(meetingKey: string, transcriptKey: string): string;
}

export interface WebexSimulator {
  /** e.g. `http://127.0.0.1:40123/v1` */
  readonly baseUrl: string;
  /** The organization's id as webhook and event envelopes carry it. */
  readonly orgId: string;
  /** The Compliance Officer's person id (what /people/me answers). */
  readonly meId: string;
  readonly ids: SimulatorIds;
  readonly faults: { set(patch: FaultSettings): FaultSettings; clear(): FaultSettings; current(): FaultSettings };
  /** Every message version with ids and file SHA-256, oldest first. */
  expected(): ExpectedVersion[];
  playLive(opts?: PlayLiveOptions): Promise<PlayLiveResult>;
  /** Resolves once every queued webhook delivery has finished. */
  webhooksIdle(): Promise<void>;
  /** A snapshot of request counts, 429s and 5xx served, peak in-flight and peak rates, webhook outcomes. */
  readonly stats: SimulatorStats;
  resetStats(): void;
  close(): Promise<void>;
}
