import { combineSummaries } from './summary.service';

describe('combineSummaries', () => {
  it('adds hours together, exact to the cent', () => {
    const summary = combineSummaries(
      [
        { hour: '2026-11-27T09:00:00.000Z', events: 10, orders: 1, units: 3, revenue_cents: 10, sessions: 4 },
        { hour: '2026-11-27T10:00:00.000Z', events: 5, orders: 2, units: 2, revenue_cents: 20, sessions: 2 },
      ],
      [
        { hour: '2026-11-27T09:00:00.000Z', event_type: 'page_view', events: 9 },
        { hour: '2026-11-27T09:00:00.000Z', event_type: 'purchase', events: 1 },
        { hour: '2026-11-27T10:00:00.000Z', event_type: 'purchase', events: 2 },
        { hour: '2026-11-27T10:00:00.000Z', event_type: 'search', events: 3 },
      ],
    );
    expect(summary).toMatchObject({
      hours: 2,
      events: 15,
      orders: 3,
      units: 5,
      revenueCents: 30,
      revenue: '0.30',
      sessions: 6,
      eventsByType: { page_view: 9, purchase: 3, search: 3, add_to_cart: 0, remove_from_cart: 0 },
    });
  });

  it('is all zeros over an empty range', () => {
    expect(combineSummaries([], [])).toMatchObject({ events: 0, revenue: '0.00', hours: 0 });
  });
});
