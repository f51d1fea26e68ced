import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.js';
import type { OrgFixture } from '../../src/simulator/index.js';
import type { Clock } from '../../src/webex/clock.js';

/**
 * Test support for the client against the Webex simulator: a fixture with a big room (pagination),
 * a direct room with files (contents), a virtual clock the client and the simulator can share, and
 * a logger whose lines are captured (the token must never appear in them).
 */

export const BIG_ROOM_MESSAGES = 237;

export function clientFixture(): OrgFixture {
  const t0 = Date.parse('2026-01-05T09:00:00.000Z');
  const at = (minutes: number): string => new Date(t0 + minutes * 60_000).toISOString();
  const messages: OrgFixture['messages'] = [];
  for (let i = 0; i < BIG_ROOM_MESSAGES; i++) {
    messages.push({ key: `b${i}`, room: 'big', person: i % 2 === 0 ? 'alice' : 'bob', created: at(10 + i), text: `message ${i}` });
  }
  messages.push(
    { key: 'pdf', room: 'dm', person: 'alice', created: at(5), text: 'the pdf', files: [{ name: 'q1.pdf', contentType: 'application/pdf', base64: 'JVBERi0x' }] },
    { key: 'large', room: 'dm', person: 'bob', created: at(6), text: 'big one', files: [{ name: 'Résumé 報告.bin', contentType: 'application/octet-stream', size: 3_000_000 }] },
  );
  return {
    org: { domains: ['example.com'] },
    people: [
      { key: 'alice', email: 'alice@example.com', displayName: 'Alice Ng' },
      { key: 'bob', email: 'bob@example.com', displayName: 'Bob Ortiz' },
    ],
    teams: [{ key: 'desk', name: 'Rates Desk' }],
    rooms: [
      { key: 'big', type: 'group', title: 'Rates chat', team: 'desk', created: at(0) },
      { key: 'dm', type: 'direct', title: 'Alice and Bob', created: at(0) },
    ],
    memberships: [
      { room: 'big', person: 'alice', joined: at(0) },
      { room: 'big', person: 'bob', joined: at(0) },
      { room: 'dm', person: 'alice', joined: at(0) },
      { room: 'dm', person: 'bob', joined: at(0) },
    ],
    messages,
  };
}

/**
 * A clock whose sleeps return at once and move time forward instead. Shared with the simulator
 * (`now`), a Retry-After of 40 s costs nothing real, yet the simulator sees the client wait it out.
 * Concurrent sleepers each move time to at least their own wake-up time. Time only jumps once no
 * request is in transit (`busy`): real waits are seconds and transit is milliseconds, and a jump
 * under a request would make its answer look a minute late.
 */
export function virtualClock(): Clock & { readonly slept: number; busyWhile(busy: () => boolean): void } {
  let offset = 0;
  let slept = 0;
  let busy: () => boolean = () => false;
  const now = (): number => Date.now() + offset;
  return {
    now,
    sleep: async (ms) => {
      if (ms <= 0) return;
      const wake = now() + ms;
      slept += ms;
      do await new Promise((r) => setTimeout(r, 1));
      while (busy());
      if (now() < wake) offset += wake - now();
    },
    get slept() {
      return slept;
    },
    busyWhile(fn) {
      busy = fn;
    },
  };
}

export function capturedLogger(): { log: Logger; text(): string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: createLogger({ level: 'trace', destination }), text: () => lines.join('') };
}
