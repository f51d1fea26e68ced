import { checkMeetings } from './fixture-check-meetings.js';
import { checkArray, checkObject, checkUnique, checkValue, fail, isObject, MAX_EDITS } from './fixture-shapes.js';
import type { OrgFixture } from './fixture-types.js';

/**
 * Checks a parsed fixture against the format in DESIGN.md before anything is built from it.
 * Unknown keys are an error, not ignored (DESIGN.md), because a typo such as `deleteed` would
 * otherwise silently produce a different organization than the test author meant.
 * Every error names the JSON path, e.g. `messages[3].files[0].sise`.
 */
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
