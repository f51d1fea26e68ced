import { describe, expect, it } from 'vitest';
import type { ImportTask, Outcome, StagedItem } from '../../../src/kafka/records.js';
import { INLINE_FANOUT_BYTES, routeItem } from '../../../src/processors/route/transform.js';
import { mapParticipant, parseUserMapCsv } from '../../../src/processors/route/user-map.js';

const staged = (emails: string[]): StagedItem => ({
  itemId: 'm1:created:1', webexMessageId: 'm1', roomId: 'r1', event: 'created', messageId: '<a@b>', date: '2026-01-05T09:01:00.000Z',
  webexCreated: '2026-01-05T09:01:00.000Z', container: 'staging', blobName: 'items/x.eml', size: 100, sha256: 'ab', partial: false, strippedCount: 0,
  participants: emails.map((email, i) => ({ personId: `p${i}`, email, displayName: email })),
});

describe('user mapping', () => {
  const map = { overrides: parseUserMapCsv('webexEmail,mailbox\nCarol@Partner.org,carol.archive@example.com\n'), orgDomains: ['example.com'] };
  it('maps org domains to themselves, applies overrides, and leaves others unmapped', () => {
    expect(mapParticipant('Alice@Example.com', map)).toEqual({ kind: 'mailbox', mailbox: 'alice@example.com' });
    expect(mapParticipant('carol@partner.org', map)).toEqual({ kind: 'mailbox', mailbox: 'carol.archive@example.com' });
    expect(mapParticipant('dave@elsewhere.net', map)).toEqual({ kind: 'unmapped' });
  });
  it('names the bad line of a broken CSV', () => {
    expect(() => parseUserMapCsv('webexEmail,mailbox\nfoo\n', 'map.csv')).toThrow('map.csv line 2');
  });
});

describe('routeItem', () => {
  const map = { overrides: new Map<string, string>(), orgDomains: ['example.com'] };
  it('one task per mailbox, keyed by mailbox; externals share one fallback copy', () => {
    const out = routeItem(staged(['alice@example.com', 'bob@example.com', 'x@ext.org', 'y@ext.org']), map, { unmappedPolicy: 'fallback', fallbackMailbox: 'compliance@example.com' }, new Date());
    const tasks = out.filter((o) => o.topic === 'imports').map((o) => o.value as ImportTask);
    expect(tasks.map((t) => t.mailbox).sort()).toEqual(['alice@example.com', 'bob@example.com', 'compliance@example.com']);
    expect(out.filter((o) => o.topic === 'imports').every((o) => o.key === (o.value as ImportTask).mailbox)).toBe(true);
    expect(tasks.find((t) => t.mailbox === 'compliance@example.com')!.viaFallback).toBe(true);
  });
  it('records unmapped participants instead of dropping them when the policy says so', () => {
    const out = routeItem(staged(['alice@example.com', 'x@ext.org']), map, { unmappedPolicy: 'record', fallbackMailbox: 'compliance@example.com' }, new Date());
    const unmapped = out.filter((o) => o.topic === 'outcomes').map((o) => o.value as Outcome);
    expect(unmapped).toHaveLength(1);
    expect(unmapped[0]!.kind).toBe('unmapped');
    expect(unmapped[0]!.participantEmail).toBe('x@ext.org');
  });
  it('keeps an item inline for a small audience and drops the inline copy once its fan-out passes INLINE_FANOUT_BYTES', () => {
    const policy = { unmappedPolicy: 'record' as const, fallbackMailbox: '' };
    const inline = Buffer.alloc(64 * 1024, 0x61);
    const tasksOf = (n: number) => routeItem({ ...staged(Array.from({ length: n }, (_, i) => `u${i}@example.com`)), inline }, map, policy, new Date())
      .map((o) => o.value as ImportTask);
    const few = tasksOf(INLINE_FANOUT_BYTES / inline.length);
    expect(few.every((t) => t.inline === inline)).toBe(true);
    const many = tasksOf(INLINE_FANOUT_BYTES / inline.length + 1);
    expect(many).toHaveLength(INLINE_FANOUT_BYTES / inline.length + 1);
    expect(many.every((t) => t.inline === null && t.blobName === 'items/x.eml')).toBe(true);
  });
});
