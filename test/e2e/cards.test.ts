import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { originalMessageId } from '../../src/mail/message-id.js';
import { STAGE_NAMES } from '../../src/pipeline/stages.js';
import type { ArchiverService } from '../../src/service/service.js';
import type { OrgFixture, WebexSimulator } from '../../src/simulator/index.js';
import { crawlFrom, dayAgo, peopleOf, readOutcomes, startArchive } from '../support/archive-service.js';
import { drained } from '../support/capture.js';
import { uniqueId } from '../support/config.js';
import { readMailbox } from '../support/imap.js';
import { waitUntil } from '../support/wait.js';

const CARD = {
  type: 'AdaptiveCard', version: '1.3',
  body: [
    { type: 'TextBlock', text: 'Trade ticket <FX-42>', weight: 'Bolder' },
    { type: 'FactSet', facts: [{ title: 'Notional', value: 'EUR 10,000,000' }, { title: 'Counterparty', value: 'Bank & Co' }] },
    { type: 'Input.Text', id: 'comment', label: 'Comment' },
  ],
  actions: [{ type: 'Action.Submit', title: 'Approve' }],
};

function org(id: string): { fixture: OrgFixture; day: number } {
  const { day, at } = dayAgo(1);
  return {
    day,
    fixture: {
      org: { domains: ['example.com'] },
      people: peopleOf(id, ['alice', 'Alice Ng'], ['bot', 'Desk Bot']),
      rooms: [{ key: 'r1', type: 'group', title: 'Approvals', created: at(8) }],
      memberships: [{ room: 'r1', person: 'alice', joined: at(8) }, { room: 'r1', person: 'bot', joined: at(8) }],
      messages: [{
        key: 'ticket', room: 'r1', person: 'bot', created: at(9), text: 'Trade ticket FX-42 needs approval', card: CARD,
        submissions: [{ at: at(10), person: 'alice', inputs: { comment: 'approved <b>within limits</b>' } }],
      }],
    },
  };
}

/** The card message as Alice's mailbox holds it, parsed by mailparser. */
async function expectReadableCard(id: string, sim: WebexSimulator, service: ArchiverService): Promise<void> {
  await waitUntil(async () => (await readOutcomes(service)).some((o) => o.kind === 'imported' && o.mailbox === `alice-${id}@example.com` && o.webexMessageId === sim.ids.message('ticket')), 120_000, 'the card message in Alice\'s mailbox');
  await waitUntil(() => drained(service.rt, STAGE_NAMES), 60_000, 'the pipeline to drain');
  const mail = (await readMailbox(`alice-${id}@example.com`)).filter((m) => m.messageId === originalMessageId(sim.ids.message('ticket')));
  expect(mail).toHaveLength(1);
  const parsed = await simpleParser(mail[0]!.source);
  expect(parsed.text).toContain('Trade ticket FX-42 needs approval');
  expect(parsed.text).toContain('Adaptive card 1 (attached as adaptive-card-1.json):\nTrade ticket <FX-42>\nNotional: EUR 10,000,000\nCounterparty: Bank & Co\nComment (input): \n[Approve]');
  // The HTML body shows it too, escaped: the card's text never becomes markup.
  expect(parsed.html).toContain('<p>Trade ticket &lt;FX-42&gt;</p>');
  expect(parsed.html).toContain('<tr><th>Notional</th><td>EUR 10,000,000</td></tr>');
  expect(parsed.html).toContain('<tr><th>Counterparty</th><td>Bank &amp; Co</td></tr>');
  const json = parsed.attachments.find((a) => a.filename === 'adaptive-card-1.json');
  expect(json?.contentType).toBe('application/json');
  expect(JSON.parse(json!.content.toString('utf8'))).toEqual(CARD);

  // Alice's submission is an item of its own, threaded under the card's message, in both mailboxes.
  const card = originalMessageId(sim.ids.message('ticket'));
  await waitUntil(async () => (await readOutcomes(service)).filter((o) => o.kind === 'imported' && o.itemId.startsWith('action:')).length >= 2, 60_000, 'the submission in both mailboxes');
  await waitUntil(() => drained(service.rt, STAGE_NAMES), 60_000, 'the pipeline to drain');
  for (const mailbox of [`alice-${id}@example.com`, `bot-${id}@example.com`]) {
    const replies = [];
    for (const m of await readMailbox(mailbox)) {
      const p = await simpleParser(m.source);
      if (p.headers.get('x-webex-item-kind') === 'action') replies.push(p);
    }
    expect(replies, mailbox).toHaveLength(1);
    const r = replies[0]!;
    expect(r.inReplyTo).toBe(card);
    expect(r.references).toBe(card);
    expect(r.subject).toBe('[card submitted] Webex: Approvals');
    expect(r.from?.value[0]?.address).toBe(`alice-${id}@example.com`);
    expect(r.text).toContain(`Alice Ng <alice-${id}@example.com> submitted the card.\ncomment: approved <b>within limits</b>\nSubmitted at `);
    expect(r.html).toContain('<tr><th>comment</th><td>approved &lt;b&gt;within limits&lt;/b&gt;</td></tr>');
    expect(r.headers.get('x-webex-parent-id')).toBe(sim.ids.message('ticket'));
  }
}

describe('Adaptive Cards are archived readable, with the card JSON attached, and each submission is an item threaded under its card (simulator → Kafka → Dovecot, parsed)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

  it('through webhooks', async () => {
    const id = uniqueId();
    const { sim, service, stop } = await startArchive(org(id).fixture, { secret: 'cards-webhook-secret' });
    cleanup.push(stop);
    await sim.playLive();
    await expectReadableCard(id, sim, service);
  });

  it('through the crawl', async () => {
    const id = uniqueId();
    const { fixture, day } = org(id);
    const { sim, service, stop } = await startArchive(fixture);
    cleanup.push(stop);
    expect(await crawlFrom(service, day)).toMatchObject({ published: 1, changeItems: 3 });
    await expectReadableCard(id, sim, service);
  });
});
