import { toEventRow } from '@pipeline/events';
import { shopEventFromRow } from './shop-event-from-row';
import { addToCart, pageView, purchase, PRODUCTS, removeFromCart, search } from './testing/event-factory';

describe('shopEventFromRow', () => {
  it('inverts toEventRow for every event kind', () => {
    const spec = { n: 1, time: '2026-11-27T10:00:00.001Z' };
    const events = [
      pageView(spec),
      pageView(spec, null),
      search(spec, 'a "quoted", query'),
      addToCart(spec, PRODUCTS[1], 4),
      removeFromCart(spec, PRODUCTS[2], 2),
      purchase(spec, [[PRODUCTS[0], 1], [PRODUCTS[1], 3]]),
    ];
    for (const event of events) expect(shopEventFromRow(toEventRow(event))).toEqual(event);
  });

  it('names the column when a row is malformed', () => {
    const row = { ...toEventRow(pageView({ n: 1, time: '2026-11-27T10:00:00.001Z' })), session_id: null };
    expect(() => shopEventFromRow(row)).toThrow(/session_id/);
  });
});
