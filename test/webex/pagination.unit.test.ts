import { describe, expect, it } from 'vitest';
import { nextPageUrl, paginate, paginatePages, parseLinkHeader, type Page } from '../../src/webex/pagination.js';

describe('parseLinkHeader', () => {
  it('parses the docs example (docs/webex-api.md §2)', () => {
    const h = '<https://webexapis.com/v1/people?displayName=Harold&max=10&before&after=Y2lz>; rel="next"';
    expect(parseLinkHeader(h)).toEqual([
      { url: 'https://webexapis.com/v1/people?displayName=Harold&max=10&before&after=Y2lz', rels: ['next'], params: { rel: 'next' } },
    ]);
  });

  it('splits several links, but not on commas or semicolons inside <> or quotes', () => {
    const h = '<https://x.test/a?q=1,2;3>; rel="prev"; title="a, b; c", <https://x.test/b>;rel=next, <https://x.test/c>; rel="next last"';
    const links = parseLinkHeader(h);
    expect(links.map((l) => l.url)).toEqual(['https://x.test/a?q=1,2;3', 'https://x.test/b', 'https://x.test/c']);
    expect(links[0]!.params.title).toBe('a, b; c');
    expect(links[1]!.rels).toEqual(['next']);
    expect(links[2]!.rels).toEqual(['next', 'last']);
  });

  it('lower-cases rel and parameter names; the first occurrence of a parameter wins', () => {
    const [l] = parseLinkHeader('<u>; REL="NEXT"; rel="prev"');
    expect(l!.rels).toEqual(['next']);
  });

  it('returns nothing for empty, missing or garbage headers', () => {
    expect(parseLinkHeader(undefined)).toEqual([]);
    expect(parseLinkHeader(null)).toEqual([]);
    expect(parseLinkHeader('')).toEqual([]);
    expect(parseLinkHeader('rel="next"')).toEqual([]);
    expect(parseLinkHeader('<https://x.test/unterminated; rel="next"')).toEqual([]);
    expect(parseLinkHeader('<>; rel="next"')).toEqual([]);
  });
});

describe('nextPageUrl', () => {
  const page = 'https://webexapis.com/v1/messages?roomId=R&max=50';

  it('returns the next link as given (opaque)', () => {
    const next = 'https://webexapis.com/v1/messages?roomId=R&max=50&beforeMessage=Y2lzY29zcGFyazovL3VzL01FU1NBR0UvMQ';
    expect(nextPageUrl(`<${next}>; rel="next"`, page)).toBe(next);
  });

  it('is undefined without a next relation', () => {
    expect(nextPageUrl('<https://webexapis.com/v1/x>; rel="prev"', page)).toBeUndefined();
    expect(nextPageUrl(null, page)).toBeUndefined();
  });

  it('resolves a relative reference against the page', () => {
    expect(nextPageUrl('</v1/messages?cursor=abc>; rel="next"', page)).toBe('https://webexapis.com/v1/messages?cursor=abc');
  });

  it('refuses a next link to another origin (the token would follow it)', () => {
    expect(() => nextPageUrl('<https://evil.test/v1/messages?cursor=a>; rel="next"', page)).toThrow(/another origin/);
  });

  it('repairs max=null (PYSDK _fix_next_url) with the page size asked for, or drops it', () => {
    expect(nextPageUrl('<https://webexapis.com/v1/rooms?max=null&cursor=c>; rel="next"', 'https://webexapis.com/v1/rooms?max=7'))
      .toBe('https://webexapis.com/v1/rooms?max=7&cursor=c');
    expect(nextPageUrl('<https://webexapis.com/v1/rooms?max=null&cursor=c>; rel="next"', 'https://webexapis.com/v1/rooms'))
      .toBe('https://webexapis.com/v1/rooms?cursor=c');
  });
});

describe('paginate', () => {
  const book: Record<string, Page<number>> = {
    a: { items: [1, 2], next: 'b' },
    b: { items: [], next: 'c' },
    c: { items: [], next: 'd' },
    d: { items: [3], next: undefined },
  };
  const fetchPage = async (url: string): Promise<Page<number>> => book[url]!;

  it('follows next through empty pages until there is none', async () => {
    const got: number[] = [];
    for await (const n of paginate('a', fetchPage)) got.push(n);
    expect(got).toEqual([1, 2, 3]);
    const pages: number[] = [];
    for await (const p of paginatePages('a', fetchPage)) pages.push(p.items.length);
    expect(pages).toEqual([2, 0, 0, 1]);
  });

  it('stops early when the consumer breaks, without fetching more', async () => {
    const seen: string[] = [];
    for await (const n of paginate('a', async (u) => {
      seen.push(u);
      return book[u]!;
    })) if (n === 1) break;
    expect(seen).toEqual(['a']);
  });

  it('throws on a next link that loops back', async () => {
    const loop = async (u: string): Promise<Page<number>> => ({ items: [], next: u === 'x' ? 'y' : 'x' });
    await expect(async () => {
      for await (const _ of paginate('x', loop)) void _;
    }).rejects.toThrow(/loops back/);
  });
});
