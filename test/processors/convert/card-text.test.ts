import { describe, expect, it } from 'vitest';
import { cardHtml, cardLines, cardText } from '../../../src/processors/convert/card-text.js';

describe('an Adaptive Card, readable', () => {
  it('text, rich text, facts, inputs with choices and actions, through containers and columns, in reading order', () => {
    const card = {
      type: 'AdaptiveCard',
      body: [
        { type: 'Container', items: [{ type: 'TextBlock', text: 'Order 7' }] },
        { type: 'ColumnSet', columns: [{ type: 'Column', items: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'left' }] }] }, { type: 'Column', items: [{ type: 'FactSet', facts: [{ title: 'Qty', value: '5' }] }] }] },
        { type: 'Input.ChoiceSet', id: 'side', label: 'Side', value: 'buy', choices: [{ title: 'Buy', value: 'buy' }, { title: 'Sell', value: 'sell' }] },
      ],
      actions: [{ type: 'Action.ShowCard', title: 'More', card: { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'inner' }] } }],
    };
    const lines = cardLines(JSON.stringify(card));
    expect(cardText(lines)).toBe('Order 7\nleft\nQty: 5\nSide (input): buy\n- Buy\n- Sell\n[More]\ninner');
    expect(cardHtml(lines)).toContain('<table>\n<tr><th>Qty</th><td>5</td></tr>\n<tr><th>Side (input)</th><td>buy</td></tr>\n</table>');
  });

  it('hostile cards stay text: markup is escaped, unreadable JSON is said so, deep nesting stops', () => {
    expect(cardHtml(cardLines(JSON.stringify({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: '<script>alert(1)</script>' }] })))).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(cardText(cardLines('{not json'))).toMatch(/could not be read/);
    let deep: Record<string, unknown> = { type: 'TextBlock', text: 'bottom' };
    for (let i = 0; i < 200; i++) deep = { type: 'Container', items: [deep] };
    expect(cardLines(JSON.stringify({ type: 'AdaptiveCard', body: [deep] }))).toEqual([]);
  });
});
