import { describe, expect, it } from 'vitest';
import type { AttachmentRef, EmailPlan, Outcome } from '../../../src/kafka/records.js';
import { limitPlan } from '../../../src/processors/limit/transform.js';
import { samplePlan } from '../../support/samples.js';

// A stand-in size function with base64 arithmetic (the real one is tested with the renderer):
// text plus 4/3 of every attachment that is not stripped, plus 500 bytes per placeholder.
const sizeOf = (p: EmailPlan) => 2000 + p.text.length + p.attachments.reduce((s, a) => s + (a.status === 'stripped' ? 500 : Math.ceil(a.size / 3) * 4), 0);
const att = (name: string, size: number): AttachmentRef => ({ name, contentType: 'application/pdf', size, sha256: name.padEnd(64, '0'), container: 'attachments', blobName: name, status: 'stored' });
const MB = 1024 * 1024;

describe('limitPlan', () => {
  const plan = samplePlan({ attachments: [att('small.pdf', 1 * MB), att('big.pdf', 7 * MB), att('mid.pdf', 3 * MB)] });

  it('passes an item within the limit whole', () => {
    const [out] = limitPlan(plan, { maxItemBytes: 20 * MB, oversizePolicy: 'reject' }, sizeOf, new Date());
    expect(out!.topic).toBe('limited');
    expect((out!.value as EmailPlan).limit).toMatchObject({ decision: 'pass', strippedCount: 0 });
  });

  it('reject: an outcome with both sizes and nothing to import', () => {
    const out = limitPlan(plan, { maxItemBytes: 10 * MB, oversizePolicy: 'reject' }, sizeOf, new Date());
    expect(out).toHaveLength(1);
    const o = out[0]!.value as Outcome;
    expect(o.kind).toBe('rejected');
    expect(o.size).toBe(sizeOf(plan));
    expect(o.reason).toContain(String(10 * MB));
  });

  it('strip-attachments: removes the largest first, only as many as needed', () => {
    const [out] = limitPlan(plan, { maxItemBytes: 10 * MB, oversizePolicy: 'strip-attachments' }, sizeOf, new Date());
    const limited = out!.value as EmailPlan;
    expect(limited.attachments.map((a) => a.status)).toEqual(['stored', 'stripped', 'stored']);
    expect(limited.limit).toMatchObject({ decision: 'strip', strippedCount: 1, encodedBytes: sizeOf(plan) });
    expect(sizeOf(limited)).toBeLessThanOrEqual(10 * MB);
  });

  it('rejects when even the text alone is too large', () => {
    const huge = samplePlan({ text: 'x'.repeat(5000) });
    const out = limitPlan(huge, { maxItemBytes: 4000, oversizePolicy: 'strip-attachments' }, sizeOf, new Date());
    expect((out[0]!.value as Outcome).kind).toBe('rejected');
  });
});
