import { describe, expect, it } from 'vitest';
import type { AttachmentRef, EmailPlan, Outcome } from '../../../src/kafka/records.js';
import { Readable } from 'node:stream';
import { encodedSize, encodedSizeParts, renderMimeToBuffer } from '../../../src/mail/render.js';
import { limitPlan } from '../../../src/processors/limit/transform.js';
import { samplePlan } from '../../support/samples.js';

// A stand-in size function with base64 arithmetic (the real one is tested with the renderer):
// text plus 4/3 of every attachment that is not stripped, plus 500 bytes per placeholder.
const partOf = (a: AttachmentRef) => (a.status === 'stripped' ? 500 : Math.ceil(a.size / 3) * 4);
const sizeOf = (p: EmailPlan) => 2000 + p.text.length + p.attachments.reduce((s, a) => s + partOf(a), 0);
const parts = (p: EmailPlan) => ({ total: sizeOf(p), attachments: p.attachments.map((a) => ({ asIs: partOf(a), stripped: 500 })) });
const att = (name: string, size: number): AttachmentRef => ({ name, contentType: 'application/pdf', size, sha256: name.padEnd(64, '0'), container: 'attachments', blobName: name, status: 'stored' });
const MB = 1024 * 1024;

describe('limitPlan', () => {
  const plan = samplePlan({ attachments: [att('small.pdf', 1 * MB), att('big.pdf', 7 * MB), att('mid.pdf', 3 * MB)] });

  it('passes an item within the limit whole', () => {
    const [out] = limitPlan(plan, { maxItemBytes: 20 * MB, oversizePolicy: 'reject' }, parts, new Date());
    expect(out!.topic).toBe('limited');
    expect((out!.value as EmailPlan).limit).toMatchObject({ decision: 'pass', strippedCount: 0 });
  });

  it('reject: an outcome with both sizes and nothing to import', () => {
    const out = limitPlan(plan, { maxItemBytes: 10 * MB, oversizePolicy: 'reject' }, parts, new Date());
    expect(out).toHaveLength(1);
    const o = out[0]!.value as Outcome;
    expect(o.kind).toBe('rejected');
    expect(o.size).toBe(sizeOf(plan));
    expect(o.reason).toContain(String(10 * MB));
  });

  it('strip-attachments: removes the largest first, only as many as needed', () => {
    const [out] = limitPlan(plan, { maxItemBytes: 10 * MB, oversizePolicy: 'strip-attachments' }, parts, new Date());
    const limited = out!.value as EmailPlan;
    expect(limited.attachments.map((a) => a.status)).toEqual(['stored', 'stripped', 'stored']);
    expect(limited.limit).toMatchObject({ decision: 'strip', strippedCount: 1, encodedBytes: sizeOf(plan), renderedBytes: sizeOf(limited) });
    expect(sizeOf(limited)).toBeLessThanOrEqual(10 * MB);
  });

  it('records the size of what goes on: the stripped plan, exactly as the renderer writes it', async () => {
    const opened: string[] = [];
    const files = [att('a.pdf', 300_000), att('b.pdf', 900_000), att('c.pdf', 600_000)];
    const real = samplePlan({ attachments: files });
    const [out] = limitPlan(real, { maxItemBytes: 1_500_000, oversizePolicy: 'strip-attachments' }, encodedSizeParts, new Date());
    const limited = out!.value as EmailPlan;
    expect(limited.limit!.strippedCount).toBe(1);
    expect(limited.limit!.encodedBytes).toBe(encodedSize(real));
    expect(limited.limit!.renderedBytes).toBe(encodedSize(limited));
    const eml = await renderMimeToBuffer(limited, async (ref) => { opened.push(ref.name); return Readable.from([Buffer.alloc(ref.size, 7)]); });
    expect(eml.length).toBe(limited.limit!.renderedBytes);
    expect(opened).toEqual(['a.pdf', 'c.pdf']);
    // A pass records the whole size as what goes on.
    const [whole] = limitPlan(real, { maxItemBytes: 10 * MB, oversizePolicy: 'strip-attachments' }, encodedSizeParts, new Date());
    expect((whole!.value as EmailPlan).limit).toMatchObject({ decision: 'pass', encodedBytes: encodedSize(real), renderedBytes: encodedSize(real) });
  });

  it('rejects when even the text alone is too large', () => {
    const huge = samplePlan({ text: 'x'.repeat(5000) });
    const out = limitPlan(huge, { maxItemBytes: 4000, oversizePolicy: 'strip-attachments' }, parts, new Date());
    expect((out[0]!.value as Outcome).kind).toBe('rejected');
  });
});
