import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebexSimulator } from '../../src/simulator/index.js';
import { AUTH, startSmall } from './helpers.js';

let sim: WebexSimulator;
beforeAll(async () => {
  sim = await startSmall();
});
afterEach(() => sim.faults.clear());
afterAll(() => sim.close());

const url = (key: string, i = 0) => `${sim.baseUrl}/contents/${sim.ids.content(key, i)}`;

describe('/contents', () => {
  it('serves the real bytes with the documented headers; the oracle has their SHA-256', async () => {
    const res = await fetch(url('m2', 0), { headers: AUTH });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).toString('base64')).toBe('JVBERi0x');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="q1.pdf"');
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-length')).toBe('6');

    const big = await fetch(url('m2', 1), { headers: AUTH });
    const bytes = Buffer.from(await big.arrayBuffer());
    expect(bytes.length).toBe(200000);
    const oracle = sim.expected().find((v) => v.messageKey === 'm2')!.files[1]!;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(oracle.sha256);
    // Non-ASCII names: an ASCII fallback plus RFC 6266 filename*.
    expect(big.headers.get('content-disposition')).toBe(`attachment; filename="R_sum_ __.bin"; filename*=UTF-8''${encodeURIComponent('Résumé 報告.bin')}`);
  });

  it('HEAD gives the headers without a body; a 0-byte file is served', async () => {
    const head = await fetch(url('m2', 1), { headers: AUTH, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('200000');
    expect(head.headers.get('cache-control')).toBe('no-cache');
    const empty = await fetch(url('m8'), { headers: AUTH });
    expect(empty.status).toBe(200);
    expect((await empty.arrayBuffer()).byteLength).toBe(0);
  });

  it('423 + Retry-After while scanning for the first N GETs, then the file', async () => {
    sim.faults.set({ files: { 'm2#0': { scanning: 2, retryAfter: 7 } } });
    const first = await fetch(url('m2', 0), { headers: AUTH });
    expect(first.status).toBe(423);
    expect(first.headers.get('retry-after')).toBe('7');
    // HEAD does not count as a GET.
    expect((await fetch(url('m2', 0), { headers: AUTH, method: 'HEAD' })).status).toBe(423);
    expect((await fetch(url('m2', 0), { headers: AUTH })).status).toBe(423);
    expect((await fetch(url('m2', 0), { headers: AUTH })).status).toBe(200);
  });

  it('410 for an infected file, 428 for an unscannable one unless ?allow=unscannable', async () => {
    sim.faults.set({ files: { [sim.ids.content('m2', 1)]: 'infected', 'm8#0': 'unscannable' } });
    expect((await fetch(url('m2', 1), { headers: AUTH })).status).toBe(410);
    expect((await fetch(url('m8'), { headers: AUTH })).status).toBe(428);
    expect((await fetch(`${url('m8')}?allow=unscannable`, { headers: AUTH })).status).toBe(200);
  });

  it('404 for an unknown content id', async () => {
    expect((await fetch(`${sim.baseUrl}/contents/bm9wZQ`, { headers: AUTH })).status).toBe(404);
  });
});
