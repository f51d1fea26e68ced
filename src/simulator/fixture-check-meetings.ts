import { checkArray, checkObject, checkUnique, fail } from './fixture-shapes.js';

/**
 * The `meetings` part of a fixture (docs/simulator.md): shapes and references, every error naming
 * its JSON path like the rest of the fixture check. Times: a participant within the meeting, chat
 * within the meeting (a deletion after its message), a transcript after the meeting ended.
 */
export function checkMeetings(v: unknown, people: ReadonlySet<string>): void {
  const keys = new Set<string>();
  checkArray('meetings', v, true).forEach((m, i) => {
    const path = `meetings[${i}]`;
    const o = checkObject(path, 'meeting', m);
    checkUnique(`${path}.key`, keys, o.key as string);
    const person = (p: string, key: unknown) => { if (!people.has(key as string)) fail(p, `no person with key "${String(key)}"`); };
    person(`${path}.host`, o.host);
    const start = Date.parse(o.start as string), end = Date.parse(o.end as string);
    if (end < start) fail(`${path}.end`, 'is before start');
    const inside = (p: string, t: unknown) => { if (t != null && (Date.parse(t as string) < start || Date.parse(t as string) > end)) fail(p, 'must be within the meeting (start to end)'); };
    const present = new Set<string>();
    checkArray(`${path}.participants`, o.participants).forEach((x, j) => {
      const po = checkObject(`${path}.participants[${j}]`, 'meetingParticipant', x);
      person(`${path}.participants[${j}].person`, po.person);
      checkUnique(`${path}.participants[${j}].person`, present, po.person as string);
      inside(`${path}.participants[${j}].joined`, po.joined);
      inside(`${path}.participants[${j}].left`, po.left);
    });
    if (!present.has(o.host as string)) fail(`${path}.participants`, 'must include the host');
    const chat = new Set<string>();
    checkArray(`${path}.messages`, o.messages ?? undefined, true).forEach((x, j) => {
      const mp = `${path}.messages[${j}]`;
      const mo = checkObject(mp, 'meetingMessage', x);
      checkUnique(`${mp}.key`, chat, mo.key as string);
      if (!present.has(mo.person as string)) fail(`${mp}.person`, `"${String(mo.person)}" is not a participant of the meeting`);
      inside(`${mp}.at`, mo.at);
      ((mo.to as unknown[] | null | undefined) ?? []).forEach((k, n) => { if (!present.has(k as string)) fail(`${mp}.to[${n}]`, `"${String(k)}" is not a participant of the meeting`); });
      if (mo.deleted != null && Date.parse(mo.deleted as string) < Date.parse(mo.at as string)) fail(`${mp}.deleted`, 'is before the message');
    });
    const transcripts = new Set<string>();
    checkArray(`${path}.transcripts`, o.transcripts ?? undefined, true).forEach((x, j) => {
      const tp = `${path}.transcripts[${j}]`;
      const to = checkObject(tp, 'transcript', x);
      checkUnique(`${tp}.key`, transcripts, to.key as string);
      if (Date.parse(to.at as string) < end) fail(`${tp}.at`, 'a transcript is available only after the meeting ended');
      checkArray(`${tp}.lines`, to.lines).forEach((l, n) => {
        const lo = checkObject(`${tp}.lines[${n}]`, 'transcriptLine', l);
        if (!present.has(lo.person as string)) fail(`${tp}.lines[${n}].person`, `"${String(lo.person)}" is not a participant of the meeting`);
      });
    });
  });
}
