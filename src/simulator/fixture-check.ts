import { ArchiverError } from '../errors.js';
import { checkMeetings } from './fixture-check-meetings.js';
import type { OrgFixture } from './fixture-types.js';

/**
 * Checks a parsed fixture against the format in DESIGN.md before anything is built from it.
 * Unknown keys are an error, not ignored (DESIGN.md), because a typo such as `deleteed` would
 * otherwise silently produce a different organization than the test author meant.
 * Every error names the JSON path, e.g. `messages[3].files[0].sise`.
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkValue(path: string, kind: Kind, v: unknown): void {
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
function checkChanges(path: string, shape: string, v: unknown, start: number, people: Set<string>, more: (o: Record<string, unknown>, path: string) => void): void {
  let last = start;
  checkArray(path, v ?? undefined, true).forEach((c, j) => {
    const o = checkObject(`${path}[${j}]`, shape, c);
    if (!people.has(o.by as string)) fail(`${path}[${j}].by`, `no person with key "${String(o.by)}"`);
    const at = Date.parse(o.at as string);
    if (at < last) fail(`${path}[${j}].at`, 'changes must be in time order, after the start');
    last = at;
    more(o, `${path}[${j}]`);
  });
}

/** Validates shape and references; returns the same object typed. Throws ArchiverError BAD_INPUT. */
export function checkFixture(input: unknown): OrgFixture {
  if (!isObject(input)) fail('(root)', 'must be an object');
  const top = ['org', 'people', 'teams', 'rooms', 'memberships', 'messages', 'meetings'];
  for (const k of Object.keys(input)) if (!top.includes(k)) fail(k, `unknown key "${k}" (allowed: ${top.join(', ')})`);
  if (!isObject(input.org)) fail('org', 'must be an object');
  for (const k of Object.keys(input.org)) if (k !== 'domains') fail(`org.${k}`, `unknown key "${k}" (allowed: domains)`);
  const domains = checkArray('org.domains', input.org.domains);
  if (domains.length === 0) fail('org.domains', 'must name at least one domain');
  domains.forEach((d, i) => checkValue(`org.domains[${i}]`, 'string', d));

  const people = new Set<string>();
  const emails = new Set<string>();
  checkArray('people', input.people).forEach((p, i) => {
    const o = checkObject(`people[${i}]`, 'person', p);
    checkUnique(`people[${i}].key`, people, o.key as string);
    checkUnique(`people[${i}].email`, emails, (o.email as string).toLowerCase());
  });
  const teams = new Set<string>();
  checkArray('teams', input.teams, true).forEach((t, i) => {
    checkUnique(`teams[${i}].key`, teams, checkObject(`teams[${i}]`, 'team', t).key as string);
  });
  const rooms = new Set<string>();
  checkArray('rooms', input.rooms).forEach((r, i) => {
    const o = checkObject(`rooms[${i}]`, 'room', r);
    checkUnique(`rooms[${i}].key`, rooms, o.key as string);
    if (o.team != null && !teams.has(o.team as string)) fail(`rooms[${i}].team`, `no team with key "${String(o.team)}"`);
    if (o.team != null && o.type === 'direct') fail(`rooms[${i}].team`, 'a direct room cannot belong to a team');
    checkChanges(`rooms[${i}].updates`, 'roomUpdate', o.updates, Date.parse(o.created as string), people, (u, p) => {
      if (u.title == null && u.classification == null) fail(p, 'give a title, a classification or both');
    });
  });
  checkArray('memberships', input.memberships).forEach((m, i) => {
    const o = checkObject(`memberships[${i}]`, 'membership', m);
    if (!rooms.has(o.room as string)) fail(`memberships[${i}].room`, `no room with key "${String(o.room)}"`);
    if (!people.has(o.person as string)) fail(`memberships[${i}].person`, `no person with key "${String(o.person)}"`);
    if (o.left != null && Date.parse(o.left as string) < Date.parse(o.joined as string)) fail(`memberships[${i}].left`, 'is before joined');
    checkChanges(`memberships[${i}].moderator`, 'moderatorChange', o.moderator, Date.parse(o.joined as string), people, (c, p) => {
      if (o.left != null && Date.parse(c.at as string) > Date.parse(o.left as string)) fail(`${p}.at`, 'is after the member left');
    });
  });
  const messages = new Set<string>();
  checkArray('messages', input.messages).forEach((m, i) => {
    const path = `messages[${i}]`;
    const o = checkObject(path, 'message', m);
    checkUnique(`${path}.key`, messages, o.key as string);
    if (!rooms.has(o.room as string)) fail(`${path}.room`, `no room with key "${String(o.room)}"`);
    if (!people.has(o.person as string)) fail(`${path}.person`, `no person with key "${String(o.person)}"`);
    // A parent must come earlier in the list, so threads read top-down and cycles are impossible.
    if (o.parent != null && !messages.has(o.parent as string)) fail(`${path}.parent`, `no earlier message with key "${String(o.parent)}"`);
    let last = Date.parse(o.created as string);
    checkArray(`${path}.edits`, o.edits ?? undefined, true).forEach((e, j) => {
      const eo = checkObject(`${path}.edits[${j}]`, 'edit', e);
      const at = Date.parse(eo.at as string);
      if (at < last) fail(`${path}.edits[${j}].at`, 'edits must be in time order, after created');
      last = at;
    });
    const edits = Array.isArray(o.edits) ? o.edits.length : 0;
    if (edits > MAX_EDITS) fail(`${path}.edits`, `at most ${MAX_EDITS} edits (docs/webex-api.md, PUT /messages)`);
    if (edits > 0 && Array.isArray(o.files) && o.files.length > 0) fail(`${path}.edits`, 'a message with files cannot be edited (PUT /messages answers 400)');
    if (o.deleted != null && Date.parse(o.deleted as string) < last) fail(`${path}.deleted`, 'is before the message or its last edit');
    let lastSubmission = Date.parse(o.created as string);
    checkArray(`${path}.submissions`, o.submissions ?? undefined, true).forEach((x, j) => {
      const so = checkObject(`${path}.submissions[${j}]`, 'submission', x);
      if (o.card == null) fail(`${path}.submissions`, 'only a message with a card can be submitted');
      if (!people.has(so.person as string)) fail(`${path}.submissions[${j}].person`, `no person with key "${String(so.person)}"`);
      const at = Date.parse(so.at as string);
      if (at < lastSubmission) fail(`${path}.submissions[${j}].at`, 'submissions must be in time order, after created');
      lastSubmission = at;
    });
    checkArray(`${path}.files`, o.files ?? undefined, true).forEach((f, j) => {
      const fo = checkObject(`${path}.files[${j}]`, 'file', f);
      const hasBytes = fo.base64 != null;
      const hasSize = fo.size != null;
      if (hasBytes === hasSize) fail(`${path}.files[${j}]`, 'give exactly one of base64 or size');
    });
  });
  checkMeetings(input.meetings, people);
  return input as unknown as OrgFixture;
}
