import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { startWebexSimulator, type OrgFixture, type SimulatorOptions, type WebexSimulator } from '../../src/simulator/index.js';

export const FIXTURE_PATH = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/webex/small-org.json');

export function smallOrg(): OrgFixture {
  return JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as OrgFixture;
}

export function startSmall(opts: SimulatorOptions = {}): Promise<WebexSimulator> {
  return startWebexSimulator({ fixture: smallOrg(), ...opts });
}

export const AUTH = { authorization: 'Bearer test-token' };

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  next: string | undefined;
}

/** Calls the simulator with a bearer token; `path` may be absolute (a next link). */
export async function api(sim: WebexSimulator, path: string, init: RequestInit = {}): Promise<Answer> {
  const url = path.startsWith('http') ? path : `${sim.baseUrl}${path}`;
  const headers: Record<string, string> = { ...AUTH, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string> | undefined) };
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.includes('application/json') ?? false;
  return { status: res.status, headers: res.headers, body: isJson && text ? JSON.parse(text) : text, next: nextLink(res.headers.get('link')) };
}

export function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  const m = /<([^>]+)>;\s*rel="next"/.exec(link);
  return m?.[1];
}

/** Follows next links to the end; returns every page. */
export async function walk(sim: WebexSimulator, path: string, maxPages = 1000): Promise<Answer[]> {
  const pages: Answer[] = [];
  let url: string | undefined = path;
  while (url) {
    const page = await api(sim, url);
    if (page.status !== 200) throw new Error(`${url} answered ${page.status}: ${JSON.stringify(page.body)}`);
    pages.push(page);
    url = page.next;
    if (pages.length > maxPages) throw new Error('pagination does not end');
  }
  return pages;
}

export interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** A webhook target that records raw bodies; `status` decides what it answers. */
export async function startReceiver(status: () => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.statusCode = status();
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
