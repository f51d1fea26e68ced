import { ArchiverError } from '../errors.js';

/**
 * The fixture format's shapes (docs/simulator.md) and the checks every part of the fixture check
 * shares: each error names the JSON path, e.g. `messages[3].files[0].sise`; unknown keys are errors.
 */
type Kind = 'string' | 'string?' | 'iso' | 'iso?' | 'int?' | 'base64?' | 'roomType' | 'boolean' | 'nested' | 'card?' | 'object' | 'seconds' | 'keys?' | 'transcriptStatus?';
type Shape = Record<string, { kind: Kind; required: boolean }>;

const req = (kind: Kind) => ({ kind, required: true });
const opt = (kind: Kind) => ({ kind, required: false });

const SHAPES: Record<string, Shape> = {
  person: { key: req('string'), email: req('string'), displayName: req('string') },
  team: { key: req('string'), name: req('string') },
  room: { key: req('string'), type: req('roomType'), title: req('string'), team: opt('string?'), created: req('iso'), updates: opt('nested') },
  roomUpdate: { at: req('iso'), by: req('string'), title: opt('string?'), classification: opt('string?') },
  membership: { room: req('string'), person: req('string'), joined: req('iso'), left: opt('iso?'), moderator: opt('nested') },
  moderatorChange: { at: req('iso'), isModerator: req('boolean'), by: req('string') },
  message: {
    key: req('string'), room: req('string'), person: req('string'), created: req('iso'), text: req('string'),
    html: opt('string?'), parent: opt('string?'), edits: opt('string?'), deleted: opt('iso?'), files: opt('string?'), card: opt('card?'), submissions: opt('nested'),
  },
  edit: { at: req('iso'), text: req('string'), html: opt('string?') },
  submission: { at: req('iso'), person: req('string'), inputs: req('object') },
  file: { name: req('string'), contentType: req('string'), base64: opt('base64?'), size: opt('int?') },
  meeting: { key: req('string'), title: req('string'), host: req('string'), start: req('iso'), end: req('iso'), participants: req('nested'), messages: opt('nested'), transcripts: opt('nested') },
  meetingParticipant: { person: req('string'), joined: opt('iso?'), left: opt('iso?') },
  meetingMessage: { key: req('string'), person: req('string'), at: req('iso'), text: req('string'), to: opt('keys?'), deleted: opt('iso?') },
  transcript: { key: req('string'), at: req('iso'), lines: req('nested'), status: opt('transcriptStatus?') },
  transcriptLine: { person: req('string'), offset: req('seconds'), text: req('string') },
};

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Attachments are at most 100 MB each (docs/webex-api.md, File contents). */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
/** A message can be edited at most 10 times (docs/webex-api.md, PUT /messages/{id}). */
export const MAX_EDITS = 10;

export function fail(path: string, what: string): never {
  throw new ArchiverError('BAD_INPUT', `fixture ${path}: ${what}`);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function checkValue(path: string, kind: Kind, v: unknown): void {
  const nullable = kind.endsWith('?');
  if (v === null && nullable) return;
  switch (kind) {
    case 'string':
    case 'string?':
      if (typeof v !== 'string') fail(path, 'must be a string');
      return;
    case 'iso':
    case 'iso?':
      if (typeof v !== 'string' || !ISO.test(v) || Number.isNaN(Date.parse(v))) fail(path, 'must be an ISO-8601 time like 2026-01-05T09:00:00.000Z');
      return;
    case 'int?':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_FILE_BYTES) fail(path, `must be an integer from 0 to ${MAX_FILE_BYTES}`);
      return;
    case 'base64?':
      if (typeof v !== 'string' || !BASE64.test(v)) fail(path, 'must be base64 text');
      return;
    case 'roomType':
      if (v !== 'direct' && v !== 'group') fail(path, 'must be "direct" or "group"');
      return;
    case 'boolean':
      if (typeof v !== 'boolean') fail(path, 'must be true or false');
      return;
    case 'nested':
      return; // an array checked by its own shape
    case 'object':
      if (!isObject(v)) fail(path, 'must be an object');
      return;
    case 'card?':
      // An Adaptive Card is a JSON object of type AdaptiveCard (adaptivecards.io/explorer/AdaptiveCard.html).
      if (!isObject(v) || v.type !== 'AdaptiveCard') fail(path, 'must be an Adaptive Card object ({"type": "AdaptiveCard", ...})');
      return;
    case 'seconds':
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(path, 'must be a number of seconds, 0 or more');
      return;
    case 'keys?':
      if (!Array.isArray(v) || v.length === 0 || v.some((k) => typeof k !== 'string')) fail(path, 'must be a non-empty array of person keys, or null');
      return;
    case 'transcriptStatus?':
      if (v !== 'available' && v !== 'deleted') fail(path, 'must be "available" or "deleted"');
      return;
  }
}

export function checkObject(path: string, shapeName: string, v: unknown): Record<string, unknown> {
  if (!isObject(v)) fail(path, 'must be an object');
  const shape = SHAPES[shapeName]!;
  for (const k of Object.keys(v)) if (!(k in shape)) fail(`${path}.${k}`, `unknown key "${k}" (allowed: ${Object.keys(shape).join(', ')})`);
  for (const [k, rule] of Object.entries(shape)) {
    if (!(k in v) || v[k] === undefined) {
      if (rule.required) fail(`${path}.${k}`, 'is required');
      continue;
    }
    // Arrays nested in a message are checked by their own shapes below.
    if (shapeName === 'message' && (k === 'edits' || k === 'files' || k === 'submissions')) continue;
    checkValue(`${path}.${k}`, rule.kind, v[k]);
  }
  return v;
}

export function checkArray(path: string, v: unknown, optional = false): unknown[] {
  if (v === undefined && optional) return [];
  if (!Array.isArray(v)) fail(path, 'must be an array');
  return v;
}

export function checkUnique(path: string, keys: Set<string>, key: string): void {
  if (keys.has(key)) fail(path, `duplicate key "${key}"`);
  keys.add(key);
}

/** A list of timed changes (room updates, moderator changes): shapes, `by` a person, in time order after `start`. */
